package io.tttdiscover.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a program as {@code nobody} when the CLI is root (PostgreSQL will not run as root). */
final class Unprivileged {
    private Unprivileged() {
    }

    /**
     * Where files that the unprivileged user runs and writes may live: {@code dir} itself when not root or when that
     * user can reach it, else a directory outside it that it can reach ({@code /var/tmp/ttt-discover-<hash of dir>}),
     * the same for the same {@code dir} on every run. A clone in a private directory (a home directory is 0700) is
     * not reachable by {@code nobody}: PostgreSQL's binaries could not even load their libraries there.
     */
    static Path reachable(Path dir) {
        if (!isRoot()) {
            return dir;
        }
        Workspace.dir(dir);
        String uid = run("id", "-u", "nobody");
        String gid = run("id", "-g", "nobody");
        if (succeeds("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--", "test", "-x",
                dir.toString())) {
            return dir;
        }
        Path outside = Path.of("/var/tmp", "ttt-discover-" + shortHash(dir.toAbsolutePath().normalize().toString()));
        Workspace.dir(outside);
        try {
            Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwx--x--x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the permissions of " + outside, e);
        }
        return outside;
    }

    static boolean isRoot() {
        return "0".equals(run("id", "-u"));
    }

    private static String shortHash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean succeeds(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The command prefix that drops root ({@code setpriv} to nobody's uid and gid), after handing {@code ownedDir}
     * to that user; empty when not root.
     */
    static List<String> prefix(Path ownedDir) {
        if (!isRoot()) {
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
