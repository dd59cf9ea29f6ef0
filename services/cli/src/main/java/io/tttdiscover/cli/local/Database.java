package io.tttdiscover.cli.local;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/** Makes sure the database a JDBC URL names exists on its server, so the trainer's migrations have a home. */
public final class Database {
    private Database() {
    }

    public static void ensureExists(String jdbcUrl) {
        Target t = Target.parse(jdbcUrl);
        try (Connection c = DriverManager.getConnection(t.adminUrl(), t.credentials());
             PreparedStatement q = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            q.setString(1, t.database());
            try (ResultSet rs = q.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE \"" + t.database().replace("\"", "\"\"") + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot reach PostgreSQL at " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    /** Drops and re-creates the database (tests start from an empty schema). */
    public static void recreate(String jdbcUrl) {
        Target t = Target.parse(jdbcUrl);
        try (Connection c = DriverManager.getConnection(t.adminUrl(), t.credentials());
             Statement s = c.createStatement()) {
            String name = "\"" + t.database().replace("\"", "\"\"") + "\"";
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot re-create " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    /** jdbc:postgresql://host:port/db?params, split into the server and the database. */
    record Target(String server, String database, String query) {
        static Target parse(String jdbcUrl) {
            if (!jdbcUrl.startsWith("jdbc:postgresql://")) {
                throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + jdbcUrl);
            }
            URI uri = URI.create(jdbcUrl.substring("jdbc:".length()));
            String db = uri.getPath() == null || uri.getPath().length() <= 1 ? "postgres" : uri.getPath().substring(1);
            return new Target(uri.getAuthority(), db, uri.getQuery());
        }

        String adminUrl() {
            return "jdbc:postgresql://" + server + "/postgres" + (query == null ? "" : "?" + query);
        }

        Properties credentials() {
            Properties p = new Properties();
            if (query == null || !query.contains("user=")) {
                p.setProperty("user", "postgres");
            }
            return p;
        }
    }
}
