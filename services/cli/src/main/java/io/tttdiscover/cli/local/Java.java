package io.tttdiscover.cli.local;

import java.nio.file.Path;

/** The java executable that runs this CLI; child JVMs use the same one. */
final class Java {
    private Java() {
    }

    static String executable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
