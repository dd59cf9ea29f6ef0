package io.tttdiscover.cli.local;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Too little disk is said in one line before anything starts. */
class FreeSpaceTest {

    @Test
    void aFullDiskIsOneLineNamingWhatIsMissing() {
        Path here = Path.of(System.getProperty("java.io.tmpdir"));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> LocalStack.requireFreeSpace(here, Long.MAX_VALUE));
        assertTrue(e.getMessage().contains("MiB free on the disk of " + here) && !e.getMessage().contains("\n"),
                e.getMessage());
        assertDoesNotThrow(() -> LocalStack.requireFreeSpace(here, 1));
    }
}
