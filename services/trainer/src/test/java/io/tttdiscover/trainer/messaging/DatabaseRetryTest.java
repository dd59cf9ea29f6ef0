package io.tttdiscover.trainer.messaging;

import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A database outage delays a reward (bounded backoff), any other failure goes on to the dead-letter topic. */
class DatabaseRetryTest {

    private static RuntimeException away() {  // what Hibernate throws when PostgreSQL refuses connections
        return new RuntimeException("could not prepare statement",
                new SQLException("Connection to 127.0.0.1:5432 refused", "08001"));
    }

    @Test
    void waitsOutAnOutageWithABoundedBackoffThenSucceeds() {
        List<Long> slept = new ArrayList<>();
        DatabaseRetry retry = new DatabaseRetry(250, 1000, slept::add);
        AtomicInteger calls = new AtomicInteger();
        int result = retry.call("reward c-1", () -> {
            if (calls.incrementAndGet() <= 5) {
                throw away();
            }
            return 7;
        });
        assertEquals(7, result);
        assertEquals(6, calls.get());
        assertEquals(List.of(250L, 500L, 1000L, 1000L, 1000L), slept, "doubling, capped at the maximum");
    }

    @Test
    void anyOtherFailureIsThrownAtOnce() {
        List<Long> slept = new ArrayList<>();
        DatabaseRetry retry = new DatabaseRetry(250, 1000, slept::add);
        IllegalArgumentException refused = new IllegalArgumentException("refused: reward for unknown run run-x");
        assertSame(refused, assertThrows(IllegalArgumentException.class, () -> retry.call("r", () -> {
            throw refused;
        })));
        assertTrue(slept.isEmpty());
    }

    @Test
    void tellsAnUnreachableDatabaseFromBadData() {
        assertTrue(DatabaseRetry.unreachable(away()));
        assertTrue(DatabaseRetry.unreachable(new RuntimeException(new SQLException(
                "Acquisition timeout while waiting for new connection"))));
        assertTrue(DatabaseRetry.unreachable(new SQLException("terminating connection due to administrator command",
                "57P01")));
        assertFalse(DatabaseRetry.unreachable(new RuntimeException(new SQLException("duplicate key", "23505"))));
        assertFalse(DatabaseRetry.unreachable(new IllegalStateException("not a valid RewardEvent")));
        // a commit whose connection died (seen in DurabilityIT): the driver's I/O error rides on a suppressed
        // XAException of the transaction manager's RollbackException, not on its causes
        javax.transaction.xa.XAException xa = new javax.transaction.xa.XAException(
                "Error trying to transactionCommit local transaction");
        xa.initCause(new SQLException("An I/O error occurred while sending to the backend.", "08006"));
        Exception rollback = new Exception("ARJUNA016053: Could not commit transaction.");
        rollback.addSuppressed(xa);
        assertTrue(DatabaseRetry.unreachable(new RuntimeException("Error invoking subclass method", rollback)));
        Exception refusedCommit = new Exception("ARJUNA016053: Could not commit transaction.");
        refusedCommit.addSuppressed(new SQLException("duplicate key", "23505"));
        assertFalse(DatabaseRetry.unreachable(refusedCommit), "a commit refused for its data is not an outage");
        RuntimeException loop = new RuntimeException("a");
        RuntimeException other = new RuntimeException("b", loop);
        loop.addSuppressed(other);
        assertFalse(DatabaseRetry.unreachable(loop), "a cycle of suppressed exceptions ends");
    }
}
