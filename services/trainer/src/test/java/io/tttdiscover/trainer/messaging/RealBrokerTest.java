package io.tttdiscover.trainer.messaging;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.testkit.InJvmKafka;
import io.tttdiscover.testkit.InJvmKafkaResource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainer's channels against a real (in-JVM, KRaft) Kafka broker instead of in-memory channels. */
@QuarkusTest
@TestProfile(RealBrokerTest.OverKafka.class)
public class RealBrokerTest {

    public static class OverKafka implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "mp.messaging.incoming.rewards.connector", "smallrye-kafka",
                    "mp.messaging.outgoing.prompts.connector", "smallrye-kafka",
                    "mp.messaging.outgoing.checkpoints.connector", "smallrye-kafka",
                    "mp.messaging.outgoing.candidates.connector", "smallrye-kafka");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(InJvmKafkaResource.class));
        }
    }

    @Test
    void aMalformedRewardLandsInTheDeadLetterTopicWithItsReason() {
        String bad = "{\"schemaVersion\":1,\"runId\":\"broken-" + UUID.randomUUID() + "\"}";
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.REWARDS, "broken", bad));
        }
        ConsumerRecord<String, String> dead = poll(Topics.deadLetter(Topics.REWARDS),
                r -> bad.equals(r.value()), 1).get(0);
        Header reason = dead.headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER);
        assertNotNull(reason, "the dead letter says why");
        assertTrue(new String(reason.value(), StandardCharsets.UTF_8).contains("not a valid RewardEvent"),
                new String(reason.value(), StandardCharsets.UTF_8));
    }

    @Test
    void aForgedRewardAndOneForAnUnknownRunAreDeadLettersWithTheirReason() {
        String runId = given().contentType(ContentType.JSON)
                .body("{\"problemId\":\"toy\",\"steps\":1,\"groupsPerBatch\":1,\"groupSize\":2}")
                .post("/runs").then().statusCode(201).extract().path("id");
        poll(Topics.PROMPTS, r -> EventCodec.prompt(r.value()).runId().equals(runId), 1);
        String prompt = runId + "-s0-g0";
        String forged = rewardJson(runId, prompt, 1e308, 0.0);
        String unknown = rewardJson("run-nobody", "run-nobody-s0-g0", 1.0, 100.0);
        try (KafkaProducer<String, String> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.REWARDS, runId, forged));
            producer.send(new ProducerRecord<>(Topics.REWARDS, "run-nobody", unknown));
        }
        for (var expected : Map.of(forged, "finite positive score", unknown, "unknown run run-nobody").entrySet()) {
            ConsumerRecord<String, String> dead = poll(Topics.deadLetter(Topics.REWARDS),
                    r -> expected.getKey().equals(r.value()), 1).get(0);
            String reason = new String(dead.headers().lastHeader(Topics.DEAD_LETTER_REASON_HEADER).value(),
                    StandardCharsets.UTF_8);
            assertTrue(reason.contains(expected.getValue()), reason);
        }
        given().get("/runs/" + runId).then().statusCode(200)
                .body("bestRuntimeUs", org.hamcrest.Matchers.nullValue());
        given().post("/runs/" + runId + "/stop").then().statusCode(200);
    }

    private static String rewardJson(String runId, String promptId, double reward, double runtimeUs) {
        String candidateId = promptId + "-0";
        return "{\"schemaVersion\":1,\"runId\":\"" + runId + "\",\"step\":0,\"group\":0,\"sample\":0,"
                + "\"problemId\":\"toy\",\"status\":\"OK\",\"reward\":" + reward + ",\"runtimeUs\":" + runtimeUs
                + ",\"benchmarks\":[],\"checksFired\":[],\"candidate\":{\"schemaVersion\":1,\"candidateId\":\""
                + candidateId + "\",\"promptId\":\"" + promptId + "\",\"runId\":\"" + runId + "\",\"step\":0,"
                + "\"group\":0,\"sample\":0,\"problemId\":\"toy\",\"policyVersion\":0,\"backend\":\"embedded\","
                + "\"program\":\"x\",\"target\":\"cpu\",\"createdAtMs\":0}}";
    }

    @Test
    void aRunPublishesItsFirstCheckpointAndPromptsKeyedAsTheContractSays() {
        String runId = given().contentType(ContentType.JSON)
                .body("{\"problemId\":\"toy\",\"steps\":1,\"groupsPerBatch\":2,\"groupSize\":2}")
                .post("/runs").then().statusCode(201).extract().path("id");

        List<ConsumerRecord<String, String>> checkpoints = poll(Topics.CHECKPOINTS, r -> runId.equals(r.key()), 1);
        CheckpointEvent v0 = EventCodec.checkpoint(checkpoints.get(0).value());
        assertEquals(0, v0.policyVersion());

        List<ConsumerRecord<String, String>> prompts = poll(Topics.PROMPTS,
                r -> EventCodec.prompt(r.value()).runId().equals(runId), 2);
        for (ConsumerRecord<String, String> record : prompts) {
            PromptEvent prompt = EventCodec.prompt(record.value());
            assertEquals(prompt.promptId(), record.key(), "prompts are keyed by prompt id");
            assertTrue(record.timestamp() >= checkpoints.get(0).timestamp(),
                    "the policy a prompt names is published before the prompt");
        }
        given().post("/runs/" + runId + "/stop").then().statusCode(200);
    }

    @Test
    void stoppingARunPublishesItsFinishedMarkerBesideItsPolicy() {
        String runId = given().contentType(ContentType.JSON)
                .body("{\"problemId\":\"toy\",\"steps\":1,\"groupsPerBatch\":1,\"groupSize\":2}")
                .post("/runs").then().statusCode(201).extract().path("id");
        poll(Topics.PROMPTS, r -> EventCodec.prompt(r.value()).runId().equals(runId), 1);
        given().post("/runs/" + runId + "/stop").then().statusCode(200);

        String key = CheckpointEvent.finishedKey(runId);
        CheckpointEvent marker = EventCodec.checkpoint(poll(Topics.CHECKPOINTS, r -> key.equals(r.key()), 1)
                .get(0).value());
        assertTrue(marker.marksRunFinished());
        assertEquals(runId, marker.runId());
        assertEquals("STOPPED", marker.finished());
        assertEquals("toy", marker.problemId());
        assertNull(marker.embeddedPolicy(), "the marker is no policy");
        assertNull(marker.weightsUri());
        assertEquals(0, EventCodec.checkpoint(poll(Topics.CHECKPOINTS, r -> runId.equals(r.key()), 1).get(0)
                .value()).policyVersion(), "the policy keeps its own key, so compaction keeps both");
    }

    private static KafkaProducer<String, String> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, InJvmKafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    private static List<ConsumerRecord<String, String>> poll(String topic,
            java.util.function.Predicate<ConsumerRecord<String, String>> wanted, int count) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, InJvmKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (found.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (wanted.test(r)) {
                        found.add(r);
                    }
                });
            }
        }
        assertEquals(count, found.size(), "records wanted on " + topic);
        return found;
    }
}
