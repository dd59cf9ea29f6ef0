package io.tttdiscover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.cli.local.LocalStack;
import io.tttdiscover.protocol.api.RunRequest;
import io.tttdiscover.cli.trainer.TrainerClient;
import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.ParentState;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.PromptEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.event.StepMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-input suite: the whole product as {@code discover run} runs it (a real broker, PostgreSQL, the three
 * services as separate JVMs), a victim run of the embedded policy on TriMul (CPU), a competitor run with a full queue
 * of candidates, and while both run, a hostile but fair user: bad REST requests, binary garbage on every topic, an
 * oversized candidate and reward, forged and out-of-range rewards, records of unknown runs, a wrong-shaped checkpoint
 * for the victim. Each case asserts its outcome; at the end no consumer has stopped (every service ready, every
 * consumer group committed to the end of its topic), the victim's figures hold only its own evaluated rewards, and
 * the competitor's queued work stops costing evaluator time once it is stopped.
 */
@ExtendWith(ItStack.Shared.class)
class HostileInputIT {
    private static final String PROBLEM = "trimul";
    private static final int V_STEPS = 3;
    private static final int V_GROUPS = 2;
    private static final int V_SIZE = 4;
    private static final int C_GROUPS = 8;
    private static final int C_SIZE = 16;
    private static final Duration WAIT = Duration.ofSeconds(90);

    private final List<String> cases = new ArrayList<>();
    private final HttpClient http = ServiceHttp.client(Duration.ofSeconds(5));

    @Test
    void noHostileInputStopsAConsumerOrCorruptsARun(LocalStack stack) throws Exception {
        String bootstrap = stack.bootstrapServers();
        String trainerUrl = stack.service("trainer").url();
        TrainerClient trainer = new TrainerClient(trainerUrl);
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            restRequests(trainerUrl);

            String victim = trainer.createRun(RunRequest.live(PROBLEM, V_STEPS, V_GROUPS, V_SIZE, "cpu", 7, null))
                    .path("id").asText();
            String competitor = trainer.createRun(RunRequest.live(PROBLEM, 1, C_GROUPS, C_SIZE, "cpu", 8, null))
                    .path("id").asText();
            awaitStatus(trainer, victim, Set.of("RUNNING"));

            Map<String, byte[]> garbage = garbageOnEveryTopic(producer);
            String oversizedCandidate = oversizedCandidate(producer);
            Map<String, String> forged = forgedRewards(producer, victim);
            String unknownPrompt = promptOfAnUnknownRun(producer);
            String wrongCheckpoint = wrongShapedCheckpoint(producer, victim);

            for (Map.Entry<String, byte[]> g : garbage.entrySet()) {
                String topic = g.getKey().substring(0, g.getKey().indexOf('|'));
                expectDeadLetter(bootstrap, topic, g.getKey(), g.getValue(), "");
            }
            expectOversizedCandidateRejected(bootstrap, oversizedCandidate);
            for (Map.Entry<String, String> f : forged.entrySet()) {
                expectDeadLetter(bootstrap, Topics.REWARDS, f.getKey(), null, f.getValue());
            }
            expectDeadLetter(bootstrap, Topics.PROMPTS, unknownPrompt, null, "unknown run");
            expectDeadLetter(bootstrap, Topics.CHECKPOINTS, wrongCheckpoint, null, "not used");

            JsonNode v = awaitStatus(trainer, victim, Set.of("COMPLETED", "FAILED", "STOPPED"));
            assertEquals("COMPLETED", v.path("status").asText(), v.toString());
            victimUntouched(trainer, bootstrap, victim);
            cases.add("two runs competing: the victim's steps are not held back");
            fairShares(bootstrap, victim, competitor);

            long stoppedAt = System.currentTimeMillis();
            trainer.stop(competitor);
            stopCancelsQueuedWork(bootstrap, competitor, stoppedAt);

            noConsumerStopped(stack, bootstrap);
        }
        System.out.printf("hostile cases: %d, consumers stopped: 0, runs corrupted: 0%n", cases.size());
        cases.forEach(c -> System.out.println("  ok: " + c));
    }

    // ---- REST ------------------------------------------------------------------------------------------------

    private void restRequests(String trainerUrl) throws Exception {
        expectJsonError(post(trainerUrl + "/runs", "{\"problemId\":\"trimul\",\"groupSize\":2147483647}"), 400,
                "groupSize 2147483647 is above the limit");
        cases.add("REST: groupSize 2^31-1 refused naming the field and limit");
        expectJsonError(post(trainerUrl + "/runs", "{\"problemId\":\"trimul\",\"groupsPerBatch\":2147483647}"), 400,
                "groupsPerBatch 2147483647 is above the limit");
        cases.add("REST: groupsPerBatch 2^31-1 refused");
        expectJsonError(post(trainerUrl + "/runs", "{\"problemId\":\"trimul\",\"steps\":10000,"
                + "\"groupsPerBatch\":64,\"groupSize\":64}"), 400, "rollouts is");
        cases.add("REST: total rollouts over the limit refused");
        expectJsonError(post(trainerUrl + "/runs", "{\"problemId\": "), 400, "");
        cases.add("REST: malformed JSON gets a JSON 400");
        HttpResponse<String> unknown = post(trainerUrl + "/runs", "{\"problemId\":\"../../../etc/passwd\"}");
        expectJsonError(unknown, 400, "problemId");
        assertFalse(unknown.body().contains("/work") || unknown.body().contains(System.getProperty("user.dir")),
                "no server path in " + unknown.body());
        cases.add("REST: unknown problemId refused without a server path");
        HttpResponse<String> noRun = http.send(HttpRequest.newBuilder(URI.create(trainerUrl + "/runs/run-nothere"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        expectJsonError(noRun, 404, "no run run-nothere");
        cases.add("REST: unknown run id gets a JSON 404");
    }

    private HttpResponse<String> post(String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expectJsonError(HttpResponse<String> r, int status, String contains) {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body;
        try {
            body = EventCodec.mapper().readTree(r.body());
        } catch (Exception e) {
            throw new AssertionError("not a JSON body: " + r.body(), e);
        }
        String error = body.path("error").asText("");
        assertFalse(error.isBlank(), "a reason in " + r.body());
        assertTrue(error.contains(contains), error);
    }

    // ---- hostile records -------------------------------------------------------------------------------------

    private Map<String, byte[]> garbageOnEveryTopic(KafkaProducer<byte[], byte[]> producer) throws Exception {
        Map<String, byte[]> sent = new HashMap<>();
        Random random = new Random(11);
        for (String topic : List.of(Topics.PROMPTS, Topics.CANDIDATES, Topics.REWARDS, Topics.CHECKPOINTS)) {
            byte[] value = new byte[700];
            random.nextBytes(value);
            value[0] = (byte) 0xC3; // not JSON, not valid UTF-8 at the start
            String key = topic + "|garbage-" + UUID.randomUUID();
            send(producer, topic, key, value);
            sent.put(key, value);
            cases.add("binary garbage on " + topic + " dead-lettered byte for byte");
        }
        return sent;
    }

    private String oversizedCandidate(KafkaProducer<byte[], byte[]> producer) throws Exception {
        String run = "run-hostile-" + UUID.randomUUID().toString().substring(0, 8);
        String program = "# " + "x".repeat(2 * 1024 * 1024) + "\n";
        CandidateEvent c = new CandidateEvent(Event.CURRENT_SCHEMA, CandidateEvent.idOf(run + "-s0-g0", 0),
                run + "-s0-g0", run, 0, 0, 0, PROBLEM, null, 0, "embedded", program, null, "cpu", null,
                System.currentTimeMillis());
        send(producer, Topics.CANDIDATES, c.candidateId(), EventCodec.encode(c).getBytes(StandardCharsets.UTF_8));
        cases.add("a 2 MiB candidate: REJECTED program-too-large, its reward without the text");
        return c.candidateId();
    }

    /** Rewards an evaluator never sent, for the victim's first step; each should be refused for its reason. */
    private Map<String, String> forgedRewards(KafkaProducer<byte[], byte[]> producer, String victim)
            throws Exception {
        Map<String, String> reasons = new HashMap<>();
        String prompt = victim + "-s0-g1";
        reasons.put(sendReward(producer, reward(victim, 0, 1, 1, prompt, RewardStatus.OK, 1e308, 1500.0 / 1e308,
                "")), "outside what problem trimul allows");
        cases.add("forged reward 1e308 (runtime to match) refused");
        reasons.put(sendReward(producer, reward(victim, 0, 1, 2, prompt, RewardStatus.OK, 5.0, 10_000.0, "")),
                "does not match reward_scale / runtime");
        cases.add("reward that does not match its runtime refused");
        reasons.put(sendReward(producer, reward(victim, 0, 1, 99, prompt, RewardStatus.OK, 0.15, 10_000.0, "")),
                "did not ask for");
        cases.add("reward for a candidate no prompt asked for refused");
        reasons.put(sendReward(producer, reward(victim, 99, 0, 0, victim + "-s99-g0", RewardStatus.OK, 0.15,
                10_000.0, "")), "which has reached step");
        cases.add("reward for a step not reached refused");
        String unknownRun = "run-unknown-" + UUID.randomUUID().toString().substring(0, 8);
        reasons.put(sendReward(producer, reward(unknownRun, 0, 0, 0, unknownRun + "-s0-g0", RewardStatus.OK, 0.15,
                10_000.0, "")), "unknown run");
        cases.add("reward for an unknown run refused");
        reasons.put(sendReward(producer, reward(victim, 0, 1, 3, prompt, RewardStatus.OK, 0.15, 10_000.0,
                "#".repeat(7 * 1024 * 1024))), "over the problem's max_program_bytes");
        cases.add("a 7 MiB reward (program over the pack's limit) refused");
        return reasons;
    }

    private static RewardEvent reward(String run, int step, int group, int sample, String prompt, RewardStatus status,
                                      double reward, Double runtimeUs, String program) {
        CandidateEvent c = new CandidateEvent(Event.CURRENT_SCHEMA, CandidateEvent.idOf(prompt, sample), prompt, run,
                step, group, sample, PROBLEM, null, 0, "embedded", "def custom_kernel(data):\n    return data\n"
                + program, null, "cpu", null, System.currentTimeMillis());
        return new RewardEvent(Event.CURRENT_SCHEMA, run, step, group, sample, PROBLEM, status, null, reward,
                runtimeUs, List.of(), null, List.of(), null, null, c);
    }

    private static String sendReward(KafkaProducer<byte[], byte[]> producer, RewardEvent r) throws Exception {
        // Keyed by run id as evaluators key them; told apart by a header-free marker: the candidate id in the value.
        String key = r.runId() + "|" + r.candidateId() + "|" + UUID.randomUUID();
        send(producer, Topics.REWARDS, key, EventCodec.encode(r).getBytes(StandardCharsets.UTF_8));
        return key;
    }

    private String promptOfAnUnknownRun(KafkaProducer<byte[], byte[]> producer) throws Exception {
        String run = "run-unknown-" + UUID.randomUUID().toString().substring(0, 8);
        PromptEvent p = new PromptEvent(Event.CURRENT_SCHEMA, run + "-s0-g0", run, 0, 0, PROBLEM,
                new ParentState("initial", null, null, null), null, 4, 0, "cpu", null, System.currentTimeMillis());
        send(producer, Topics.PROMPTS, p.promptId(), EventCodec.encode(p).getBytes(StandardCharsets.UTF_8));
        cases.add("prompt of an unknown run not sampled, dead-lettered");
        return p.promptId();
    }

    /** A newer policy version for the victim, with logits of the wrong shape: the sampler must keep its policy. */
    private String wrongShapedCheckpoint(KafkaProducer<byte[], byte[]> producer, String victim) throws Exception {
        CheckpointEvent cp = new CheckpointEvent(Event.CURRENT_SCHEMA, victim, 0, 999, "embedded", null,
                new PolicyParameters(List.of(List.of(1.0, 2.0)), List.of(0.0)), null, System.currentTimeMillis(),
                PROBLEM);
        String key = victim;
        send(producer, Topics.CHECKPOINTS, key, EventCodec.encode(cp).getBytes(StandardCharsets.UTF_8));
        cases.add("wrong-shaped checkpoint for the victim refused by the sampler");
        return key;
    }

    // ---- outcomes --------------------------------------------------------------------------------------------

    private static void expectDeadLetter(String bootstrap, String topic, String key, byte[] exact, String reason) {
        ConsumerRecord<byte[], byte[]> dead = await(bootstrap, Topics.deadLetter(topic),
                r -> key.equals(string(r.key())) && (exact == null || Arrays.equals(exact, r.value()))
                        && header(r, Topics.DEAD_LETTER_REASON_HEADER).contains(reason), WAIT);
        assertNotNull(dead, "a dead letter on " + Topics.deadLetter(topic) + " for " + key + " with a reason "
                + "containing '" + reason + "'");
        if (exact != null) {
            assertArrayEquals(exact, dead.value());
        }
        assertFalse(header(dead, Topics.DEAD_LETTER_REASON_HEADER).isBlank());
    }

    private static void expectOversizedCandidateRejected(String bootstrap, String candidateId) {
        ConsumerRecord<byte[], byte[]> r = await(bootstrap, Topics.REWARDS,
                rec -> string(rec.value()).contains("\"candidateId\":\"" + candidateId + "\""), WAIT);
        assertNotNull(r, "a reward for the oversized candidate");
        assertTrue(r.value().length < 64 * 1024, "no copy of the program: " + r.value().length + " B");
        RewardEvent reward = EventCodec.reward(string(r.value()));
        assertEquals(RewardStatus.REJECTED, reward.status(), reward.message());
        assertEquals(List.of(RewardEvent.CHECK_PROGRAM_TOO_LARGE), reward.checksFired());
        // Its run is unknown to the trainer, so the reward itself is dead-lettered there.
        assertNotNull(await(bootstrap, Topics.deadLetter(Topics.REWARDS),
                rec -> string(rec.value()).contains(candidateId)
                        && header(rec, Topics.DEAD_LETTER_REASON_HEADER).contains("unknown run"), WAIT));
    }

    private static JsonNode awaitStatus(TrainerClient trainer, String runId, Set<String> wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        JsonNode run = null;
        while (System.nanoTime() < deadline) {
            run = trainer.run(runId).orElse(null);
            if (run != null && wanted.contains(run.path("status").asText())) {
                return run;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("run " + runId + " not " + wanted + " within 10 min: " + run);
    }

    /** Only the victim's evaluated rewards count: one per candidate, each step full, no forged figure. */
    private void victimUntouched(TrainerClient trainer, String bootstrap, String victim) {
        List<StepMetrics> steps = trainer.steps(victim);
        assertEquals(V_STEPS, steps.size());
        List<RewardEvent> evaluated = rewardsOf(bootstrap, victim).stream().filter(r -> r.evaluator() != null)
                .toList();
        for (StepMetrics m : steps) {
            assertEquals(V_GROUPS * V_SIZE, m.samples(), "step " + m.step() + " counted its own candidates only");
            assertTrue(m.rewardMax() < 1.0, "a CPU TriMul reward is below 1 (runtime > 1500 us): " + m.rewardMax());
            long ofStep = evaluated.stream().filter(r -> r.step() == m.step()).map(RewardEvent::candidateId)
                    .distinct().count();
            assertEquals(ofStep, m.samples(), "step " + m.step() + ": samples = evaluated candidates");
        }
        JsonNode best = trainer.run(victim).orElseThrow();
        double bestUs = best.path("bestRuntimeUs").asDouble();
        assertTrue(bestUs > 1500.0, "best so far is a measured CPU runtime: " + bestUs);
        assertTrue(evaluated.stream().anyMatch(r -> r.status() == RewardStatus.OK && Math.abs(r.runtimeUs() - bestUs)
                < 1e-6), "the best is one of the evaluated rewards");
        assertTrue(evaluated.stream().filter(r -> r.status() == RewardStatus.OK).flatMap(r -> r.benchmarks().stream())
                .allMatch(b -> b.runs() <= 2), "at most two timed calls per benchmark (max-timed-runs 2)");
        cases.add("victim run: " + V_STEPS + " steps of " + V_GROUPS * V_SIZE + " own rewards, best " + bestUs
                + " us");
    }

    /** While the competitor had a full queue, each victim step ran in turns with it, not behind it. */
    private static void fairShares(String bootstrap, String victim, String competitor) {
        List<RewardEvent> v = rewardsOf(bootstrap, victim).stream().filter(r -> r.evaluator() != null).toList();
        List<RewardEvent> c = rewardsOf(bootstrap, competitor).stream()
                .filter(r -> r.evaluator() != null && r.status() != RewardStatus.CANCELLED).toList();
        for (int step = 0; step < V_STEPS; step++) {
            int s = step;
            List<RewardEvent> ofStep = v.stream().filter(r -> r.step() == s).toList();
            long from = ofStep.stream().mapToLong(r -> r.timings().evalStartedAtMs()).min().orElseThrow();
            long to = ofStep.stream().mapToLong(r -> r.timings().evalFinishedAtMs()).max().orElseThrow();
            long competing = c.stream().filter(r -> r.timings().evalStartedAtMs() >= from
                    && r.timings().evalStartedAtMs() < to).count();
            double wallS = (to - from) / 1000.0;
            System.out.printf("victim step %d: %d own evaluations and %d of the competitor's in %.1f s%n", step,
                    ofStep.size(), competing, wallS);
            assertTrue(competing <= ofStep.size() + 2, "step " + step + " waited behind " + competing
                    + " of the competitor's evaluations for its " + ofStep.size());
        }
    }

    private void stopCancelsQueuedWork(String bootstrap, String competitor, long stoppedAt) throws Exception {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        List<RewardEvent> rewards = List.of();
        long candidates = -1;
        while (System.currentTimeMillis() < deadline) {
            candidates = TopicCount.matching(bootstrap, Topics.CANDIDATES,
                    r -> string(r.value()).contains("\"runId\":\"" + competitor + "\""));
            rewards = rewardsOf(bootstrap, competitor);
            if (candidates > 0 && rewards.stream().map(RewardEvent::candidateId).distinct().count() == candidates) {
                break;
            }
            Thread.sleep(1000);
        }
        long distinct = rewards.stream().map(RewardEvent::candidateId).distinct().count();
        assertEquals(candidates, distinct, "every candidate of the stopped run has a reward");
        long cancelled = rewards.stream().filter(r -> r.status() == RewardStatus.CANCELLED).count();
        long lastBusy = rewards.stream().filter(r -> r.status() != RewardStatus.CANCELLED)
                .mapToLong(r -> r.timings().evalFinishedAtMs()).max().orElse(stoppedAt);
        long quietAfterMs = Math.max(0, lastBusy - stoppedAt);
        System.out.printf("stopped run: %d candidates, %d cancelled unevaluated; evaluator time on it ended %d ms "
                + "after the stop%n", candidates, cancelled, quietAfterMs);
        assertTrue(cancelled > 0, "the stopped run had queued candidates, cancelled");
        assertTrue(quietAfterMs < 60_000, "at most the evaluation in progress finished: " + quietAfterMs + " ms");
        cases.add("stop with queued work: " + cancelled + " cancelled, evaluator free " + quietAfterMs
                + " ms after the stop");
    }

    private static void noConsumerStopped(LocalStack stack, String bootstrap) throws Exception {
        HttpClient client = ServiceHttp.client(Duration.ofSeconds(5));
        for (String svc : List.of("trainer", "sampler", "evaluator")) {
            HttpResponse<String> ready = client.send(HttpRequest.newBuilder(URI.create(stack.service(svc).url()
                    + "/q/health/ready")).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, ready.statusCode(), svc + " is ready: " + ready.body());
        }
        Map<String, String> groups = Map.of("trainer", Topics.REWARDS, "sampler", Topics.PROMPTS, "evaluator",
                Topics.CANDIDATES);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (Map.Entry<String, String> g : groups.entrySet()) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                long lag;
                do {
                    lag = lag(admin, g.getKey(), g.getValue());
                    if (lag > 0) {
                        Thread.sleep(500);
                    }
                } while (lag > 0 && System.nanoTime() < deadline);
                assertEquals(0, lag, "group " + g.getKey() + " committed to the end of " + g.getValue());
            }
        }
    }

    private static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                .partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        long lag = 0;
        for (var e : admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    // ---- Kafka helpers ---------------------------------------------------------------------------------------

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_RECORD_BYTES);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get(30,
                TimeUnit.SECONDS);
    }

    private static List<RewardEvent> rewardsOf(String bootstrap, String runId) {
        List<RewardEvent> out = new ArrayList<>();
        TopicCount.forEach(bootstrap, Topics.REWARDS, r -> {
            if (runId.equals(string(r.key()))) {
                out.add(EventCodec.reward(string(r.value())));
            }
        });
        return out;
    }

    private static ConsumerRecord<byte[], byte[]> await(String bootstrap, String topic,
                                                        Predicate<ConsumerRecord<byte[], byte[]>> wanted,
                                                        Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> consumer = TopicCount.consumer(bootstrap)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    if (wanted.test(r)) {
                        return r;
                    }
                }
            }
            return null;
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? "" : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String string(byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
    }

    /** Reads a topic from the beginning to its current end. */
    static final class TopicCount {
        static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
            Map<String, Object> c = new HashMap<>();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.MAX_DEAD_LETTER_BYTES);
            return new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        static void forEach(String bootstrap, String topic,
                            java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink) {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
                List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                Map<TopicPartition, Long> end = consumer.endOffsets(parts);
                while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                    consumer.poll(Duration.ofMillis(300)).forEach(sink);
                }
            }
        }

        static long matching(String bootstrap, String topic, Predicate<ConsumerRecord<byte[], byte[]>> wanted) {
            long[] n = {0};
            forEach(bootstrap, topic, r -> {
                if (wanted.test(r)) {
                    n[0]++;
                }
            });
            return n[0];
        }
    }
}
