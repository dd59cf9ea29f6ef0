package io.tttdiscover.cli.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The launcher's database from a clone in a private directory (a home directory is 0700): as root the server runs
 * as nobody, which cannot reach anything inside such a directory, so its binaries and data must live elsewhere.
 * Meaningful as root (CI's case); as another user it checks the plain path. The next run keeps the database.
 */
class EmbeddedPostgresTest {

    @Test
    void startsFromACloneInAPrivateDirectoryAndKeepsItsDataForTheNextRun() throws Exception {
        Path privateDir = Files.createTempDirectory("discover-private-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Workspace ws = Workspace.of(privateDir.resolve("clone"));
        Path base = Unprivileged.reachable(ws.root());
        try {
            if (Unprivileged.isRoot()) {
                assertNotEquals(ws.root(), base, "nobody cannot reach " + ws.root() + ": the database must live outside");
                assertTrue(base.startsWith("/var/tmp"), base.toString());
                assertEquals(base, Unprivileged.reachable(ws.root()), "the same place on every run");
            }
            String firstUrl;
            try (EmbeddedPostgres pg = EmbeddedPostgres.start(ws);
                 Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
                 Statement st = c.createStatement()) {
                assertFalse(pg.kept(), "a new cluster");
                firstUrl = pg.jdbcUrl();
                st.execute("create table t(x int)");
                st.execute("insert into t values (41)");
                try (ResultSet rs = st.executeQuery("select x + 1 from t")) {
                    assertTrue(rs.next());
                    assertEquals(42, rs.getInt(1));
                }
            }
            // The next run: the same cluster (no initdb), the same port and database, the earlier data still there.
            try (EmbeddedPostgres pg = EmbeddedPostgres.start(ws);
                 Connection c = DriverManager.getConnection(pg.jdbcUrl(), "postgres", "");
                 Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select x from t")) {
                assertTrue(pg.kept(), "the cluster of the earlier run");
                assertEquals(firstUrl, pg.jdbcUrl());
                assertTrue(rs.next());
                assertEquals(41, rs.getInt(1));
            }
        } finally {
            if (!base.equals(ws.root())) {
                Workspace.deleteTree(base);
            }
            Workspace.deleteTree(privateDir);
        }
    }
}
