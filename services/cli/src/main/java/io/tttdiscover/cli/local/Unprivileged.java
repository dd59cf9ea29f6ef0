package io.tttdiscover.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program as {@code nobody} when the CLI is root (PostgreSQL will not run as root). */
final class Unprivileged {
    private Unprivileged() {
    }

    /**
     * The command prefix that drops root ({@code setpriv} to nobody's uid and gid), after handing {@code ownedDir}
     * to that user; empty when not root.
     */
    static List<String> prefix(Path ownedDir) {
        if (!"0".equals(run("id", "-u"))) {
            return List.of();
        }
        String uid = run("id", "-u", "nobody");
        String gid = run("id", "-g", "nobody");
        run("chown", "-R", uid + ":" + gid, ownedDir.toString());
        return List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--");
    }

    private static String run(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + cmd[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
