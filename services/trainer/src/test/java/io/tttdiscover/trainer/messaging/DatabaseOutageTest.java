package io.tttdiscover.trainer.messaging;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.testkit.CuttableProxy;
import io.tttdiscover.trainer.service.RunStore;
import jakarta.enterprise.inject.Any;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A database outage delays rewards, it never drops them: with the trainer's database connections cut (as when
 * PostgreSQL is down), a valid reward waits in the consumer and is stored once the database is back.
 */
@QuarkusTest
@TestProfile(DatabaseOutageTest.BehindProxy.class)
class DatabaseOutageTest {
    static CuttableProxy proxy;

    public static class BehindProxy implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ProxyResource.class));
        }
    }

    public static class ProxyResource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try {
                proxy = new CuttableProxy("127.0.0.1", 5432);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + proxy.port()
                            + "/postgres?currentSchema=discover_test&connectTimeout=2&socketTimeout=5",
                    "quarkus.datasource.jdbc.acquisition-timeout", "2S");
        }

        @Override
        public void stop() {
            try {
                proxy.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Inject
    @Any
    InMemoryConnector connector;

    @Inject
    RunStore store;

    @Test
    void aRewardThatArrivesWhileTheDatabaseIsAwayIsStoredWhenItIsBack() throws Exception {
        InMemorySink<String> prompts = connector.sink("prompts");
        InMemorySource<Object> rewards = connector.source("rewards");
        String runId = given().contentType(ContentType.JSON)
                .body("{\"problemId\":\"toy\",\"steps\":1,\"groupsPerBatch\":1,\"groupSize\":2,"
                        + "\"groupDeadlineSeconds\":600}")
                .post("/runs").then().statusCode(201).extract().path("id");
        PromptEvent prompt = null;
        for (int i = 0; i < 100 && prompt == null; i++) {
            prompt = prompts.received().stream().map(m -> EventCodec.prompt(m.getPayload()))
                    .filter(p -> p.runId().equals(runId)).findFirst().orElse(null);
            Thread.sleep(100);
        }
        assertTrue(prompt != null, "the run published its prompt");
        RewardEvent reward = failedReward(prompt);

        proxy.cut();
        try {
            rewards.send(EventCodec.encode(reward).getBytes(StandardCharsets.UTF_8));
            Thread.sleep(4000);  // the consumer retries meanwhile
        } finally {
            proxy.restore();
        }
        boolean stored = false;
        for (int i = 0; i < 300 && !stored; i++) {
            stored = store.rollout(reward.candidateId()).isPresent();
            if (!stored) {
                Thread.sleep(100);
            }
        }
        assertTrue(stored, "the reward that arrived during the outage is stored once the database is back");
        given().post("/runs/" + runId + "/stop").then().statusCode(200);
        assertFalse(store.rollout("no-such-candidate").isPresent());
    }

    private static RewardEvent failedReward(PromptEvent prompt) {
        String candidateId = prompt.promptId() + "-0";
        CandidateEvent candidate = new CandidateEvent(Event.CURRENT_SCHEMA, candidateId, prompt.promptId(),
                prompt.runId(), prompt.step(), prompt.group(), 0, "toy", prompt.parent().stateId(),
                prompt.policyVersion(), "embedded", "# " + candidateId, null, "cpu", prompt.maskSemantics(),
                System.currentTimeMillis());
        return new RewardEvent(Event.CURRENT_SCHEMA, prompt.runId(), prompt.step(), prompt.group(), 0, "toy",
                RewardStatus.INCORRECT, "mismatch", 0.0, null, List.of(), null, List.of(), null, null, candidate);
    }
}
