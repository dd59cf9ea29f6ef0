package io.tttdiscover.cli.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the next local run keeps of the last one's broker storage and database, and what --fresh deletes. */
class KeptDataTest {
    @TempDir
    Path dir;

    @Test
    void brokerStorageIsKeptOnlyWhenFormattingCompleted() throws Exception {
        Path kafka = dir.resolve("kafka");
        assertEquals(KafkaBroker.Storage.NONE, KafkaBroker.storage(kafka), "no directory yet");
        Files.createDirectories(kafka.resolve("data"));
        assertEquals(KafkaBroker.Storage.NONE, KafkaBroker.storage(kafka), "an interrupted format left nothing");

        Files.writeString(kafka.resolve("data/meta.properties"), "version=1\nnode.id=1\ncluster.id=abc\n");
        Files.writeString(kafka.resolve("ports.properties"), "broker.port=40001\ncontroller.port=40002\n");
        assertEquals(KafkaBroker.Storage.FORMATTED, KafkaBroker.storage(kafka));
    }

    @Test
    void brokerStorageThatCannotBeUsedFailsInOneLineThatSaysWhatToDo() throws Exception {
        Path kafka = dir.resolve("kafka");
        Files.createDirectories(kafka.resolve("data/rewards-0"));
        assertUnusable(() -> KafkaBroker.storage(kafka), "data/ without meta.properties");

        Files.writeString(kafka.resolve("data/meta.properties"), "version=1\nnode.id=1\ncluster.id=abc\n");
        assertUnusable(() -> KafkaBroker.storage(kafka), "no ports.properties");

        Files.writeString(kafka.resolve("ports.properties"), "broker.port=x\n");
        assertUnusable(() -> KafkaBroker.storage(kafka), "For input string");

        Files.writeString(kafka.resolve("ports.properties"), "broker.port=40001\ncontroller.port=40002\n");
        Files.writeString(kafka.resolve("data/meta.properties"), "version=1\nnode.id=2\n");
        assertUnusable(() -> KafkaBroker.storage(kafka), "meta.properties names no cluster or another node");
    }

    @Test
    void aDatabaseIsKeptOnceInitdbCompleted() throws Exception {
        Path data = dir.resolve("pg/data");
        assertFalse(EmbeddedPostgres.initialised(data), "no directory yet");
        Files.createDirectories(data);
        assertFalse(EmbeddedPostgres.initialised(data), "empty");
        Files.writeString(data.resolve("PG_VERSION"), "16\n");
        assertTrue(EmbeddedPostgres.initialised(data));

        Files.delete(data.resolve("PG_VERSION"));
        Files.writeString(data.resolve("postgresql.conf"), "");
        assertUnusable(() -> EmbeddedPostgres.initialised(data), "no PG_VERSION");
    }

    @Test
    void freshDeletesTheBrokerDataAndTheEmbeddedDatabaseButNotTheLogs() throws Exception {
        Workspace ws = Workspace.of(dir.resolve("clone"));
        Path pgHome = EmbeddedPostgres.home(ws);
        try {
            Files.createDirectories(ws.kafka().resolve("data"));
            Files.writeString(ws.kafka().resolve("data/meta.properties"), "cluster.id=abc\n");
            Files.createDirectories(pgHome.resolve("data"));
            Files.writeString(pgHome.resolve("data/PG_VERSION"), "16\n");
            Files.writeString(ws.log("trainer"), "earlier run\n");
            List<String> lines = new ArrayList<>();
            try (LocalStack stack = LocalStack.open(ws, lines::add)) {
                stack.discardData(new StackOptions(null, null, Map.of()), lines::add);
            }
            assertFalse(Files.exists(ws.kafka()), "broker data deleted");
            assertFalse(Files.exists(pgHome), "database deleted");
            assertTrue(Files.exists(ws.log("trainer")), "logs kept");
            assertEquals(List.of("--fresh: deleted the broker data and the database of earlier runs; starting from "
                    + "scratch"), lines);
        } finally {
            if (!pgHome.startsWith(ws.root())) {
                Workspace.deleteTree(pgHome.getParent());
            }
        }
    }

    private static void assertUnusable(org.junit.jupiter.api.function.Executable check, String why) {
        IllegalStateException e = assertThrows(IllegalStateException.class, check);
        assertTrue(e.getMessage().contains(why), e.getMessage());
        assertTrue(e.getMessage().endsWith("start from scratch with ./discover run --fresh (the earlier runs' data "
                + "is lost)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
}
