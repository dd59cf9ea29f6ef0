package io.tttdiscover.cli;

import io.tttdiscover.cli.local.ChildProcess;
import io.tttdiscover.cli.local.LocalStack;
import io.tttdiscover.cli.local.StackOptions;
import io.tttdiscover.cli.report.TopicReader;
import io.tttdiscover.cli.run.RunOutcome;
import io.tttdiscover.protocol.api.RunRequest;
import io.tttdiscover.cli.run.RunWatcher;
import io.tttdiscover.cli.trainer.TrainerClient;
import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.event.StepMetrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Evaluators scale as replicas of one consumer group, and a crashed one loses no candidate: the local stack with two
 * evaluator JVMs (one worker each) in the group {@code evaluator}; once both have scored candidates of the run, the
 * second is killed (SIGKILL, with its Python worker) right after one of its rewards, while it has the next candidate
 * of its partitions in hand. Its uncommitted candidates stay on the topic; after the group notices the dead member
 * and rebalances, the survivor takes its partitions over from their last committed offsets and scores them. The run
 * completes, every candidate has a reward on the rewards topic (some twice: at-least-once), and the trainer counts
 * each candidate exactly once.
 */
class EvaluatorFailoverIT {
    private static final int STEPS = 3;
    private static final int GROUPS = 2;
    private static final int GROUP_SIZE = 4;
    private static final int CANDIDATES = STEPS * GROUPS * GROUP_SIZE;
    private static final String PROBLEM = "trimul";
    private static final String TARGET = "cpu";
    /**
     * The group notices the killed member after its session timeout (Kafka's default: 45 s); a shorter one keeps
     * the test quick. The step waits for the redelivery, well within its group deadline.
     */
    private static final String SESSION_TIMEOUT_MS = "10000";
    private static final int GROUP_DEADLINE_S = 240;

    @Test
    void aKilledEvaluatorsCandidatesAreScoredByTheOtherAndCountedOnce() {
        ItStack.assumeRunnable();
        Map<String, String> evaluatorEnv = new HashMap<>(ItStack.QUICK_EVALUATOR);
        evaluatorEnv.put("MP_MESSAGING_INCOMING_CANDIDATES_SESSION_TIMEOUT_MS", SESSION_TIMEOUT_MS);
        evaluatorEnv.put("MP_MESSAGING_INCOMING_CANDIDATES_HEARTBEAT_INTERVAL_MS", "1000");
        StackOptions options = new StackOptions(ItStack.database("discover_failover_it"), 1, 2, Map.of(),
                Map.of("evaluator", evaluatorEnv));
        long t0 = System.currentTimeMillis();
        try (LocalStack stack = ItStack.start("failover", options)) {
            System.out.printf("stack up in %.1f s%n", (System.currentTimeMillis() - t0) / 1000.0);
            ChildProcess a = stack.service("evaluator").process();
            ChildProcess b = stack.service("evaluator-2").process();
            // The watcher fails the run when a process it watches dies: evaluator-2 is meant to.
            Map<String, ChildProcess> watched = new LinkedHashMap<>(stack.processes());
            watched.remove("evaluator-2");

            RunRequest request = RunRequest.live(PROBLEM, STEPS, GROUPS, GROUP_SIZE, TARGET, 5, null)
                    .with(Map.of("groupDeadlineSeconds", GROUP_DEADLINE_S));
            RunOutcome run;
            Crash crash;
            try (Crash c = new Crash(stack.bootstrapServers(), a, b)) {
                crash = c;
                run = new RunWatcher(new TrainerClient(stack.service("trainer").url()), stack.bootstrapServers(),
                        watched, System.out).createAndWatch(request, Duration.ofMinutes(4));
            }
            assertEquals("COMPLETED", run.status(), () -> "run ended " + run.status() + ": " + run.message()
                    + "\n" + ItStack.tails(stack));
            assertNotNull(crash.kill, () -> "evaluator-2 was never caught with a candidate in hand; rewards by "
                    + "evaluator: " + crash.owners + "\n" + ItStack.tails(stack));
            System.out.printf("run %s completed in %.1f s%n", run.runId(), run.runWallMs() / 1000.0);

            String bootstrap = stack.bootstrapServers();
            Map<String, Published<CandidateEvent>> candidates = new LinkedHashMap<>();
            for (Published<CandidateEvent> c : read(bootstrap, Topics.CANDIDATES, EventCodec::candidate)) {
                if (c.event().runId().equals(run.runId())) {
                    candidates.putIfAbsent(c.event().candidateId(), c);
                }
            }
            List<Published<RewardEvent>> rewards = read(bootstrap, Topics.REWARDS, EventCodec::reward).stream()
                    .filter(r -> r.event().runId().equals(run.runId())).toList();
            crash.learnWorkers(a);

            noCandidateLost(candidates, rewards);
            trainerCountedEachCandidateOnce(run, rewards);
            bothEvaluatorsScoredAndTheSurvivorTookOver(crash, candidates, rewards);
        }
        System.out.printf("test wall time %.1f s%n", (System.currentTimeMillis() - t0) / 1000.0);
    }

    /** Every candidate of the run on candidate-kernels has at least one reward on the rewards topic. */
    private static void noCandidateLost(Map<String, Published<CandidateEvent>> candidates,
                                        List<Published<RewardEvent>> rewards) {
        assertEquals(CANDIDATES, candidates.size(), "candidates of the run on " + Topics.CANDIDATES);
        Set<String> rewarded = rewards.stream().map(r -> r.event().candidateId()).collect(Collectors.toSet());
        Set<String> lost = new TreeSet<>(candidates.keySet());
        lost.removeAll(rewarded);
        assertTrue(lost.isEmpty(), "candidates without a reward: " + lost);
        assertTrue(candidates.keySet().containsAll(rewarded), "rewards only for candidates of the run");
    }

    /**
     * The trainer's samples equal the distinct candidates, step by step and in all, whatever was redelivered; its
     * failures are the candidates whose first reward on the topic (the one it counted) is not a success.
     */
    private static void trainerCountedEachCandidateOnce(RunOutcome run, List<Published<RewardEvent>> rewards) {
        assertEquals(STEPS, run.steps().size(), "one StepMetrics per step");
        Map<String, RewardEvent> first = new LinkedHashMap<>();
        rewards.forEach(r -> first.putIfAbsent(r.event().candidateId(), r.event()));
        for (StepMetrics m : run.steps()) {
            List<RewardEvent> ofStep = first.values().stream().filter(r -> r.step() == m.step()).toList();
            assertEquals(GROUPS * GROUP_SIZE, ofStep.size(), "step " + m.step() + ": distinct candidates rewarded");
            assertEquals(ofStep.size(), m.samples(), "step " + m.step() + ": trainer's samples vs distinct "
                    + "candidates");
            long failed = ofStep.stream().filter(r -> !r.status().success()).count();
            assertEquals(failed, m.failures(), "step " + m.step() + ": trainer's failures vs failed candidates "
                    + "(none missed its deadline)");
        }
        assertEquals(CANDIDATES, run.steps().stream().mapToInt(StepMetrics::samples).sum(), "samples of the run");
        Map<RewardStatus, Long> statuses = first.values().stream()
                .collect(Collectors.groupingBy(RewardEvent::status, TreeMap::new, Collectors.counting()));
        System.out.println("reward statuses (as counted): " + statuses + "; failures counted by the trainer: "
                + run.steps().stream().mapToInt(StepMetrics::failures).sum());
    }

    /**
     * Before the kill both evaluators scored candidates (the group spread the partitions); after it, only the
     * survivor did, among them every candidate of the dead one's partitions that was published before the kill and
     * that it had not scored, the one it had in hand included.
     */
    private static void bothEvaluatorsScoredAndTheSurvivorTookOver(Crash crash,
                                                                  Map<String, Published<CandidateEvent>> candidates,
                                                                  List<Published<RewardEvent>> rewards) {
        Crash.Kill kill = crash.kill;
        Map<String, int[]> byEvaluator = new TreeMap<>(Map.of("A", new int[2], "B", new int[2]));
        Map<String, Set<String>> scoredBy = new HashMap<>(Map.of("A", new TreeSet<>(), "B", new TreeSet<>()));
        Map<String, Long> survivorFirstAfterKill = new TreeMap<>();
        for (Published<RewardEvent> r : rewards) {
            String owner = crash.ownerOf(r.event());
            assertTrue(owner.equals("A") || owner.equals("B"), "reward of " + r.event().candidateId() + " from an "
                    + "unknown worker: " + r.event().evaluator());
            boolean after = r.timestampMs() >= kill.atMs();
            byEvaluator.get(owner)[after ? 1 : 0]++;
            scoredBy.get(owner).add(r.event().candidateId());
            if (after && owner.equals("A")) {
                survivorFirstAfterKill.putIfAbsent(r.event().candidateId(), r.timestampMs());
            }
        }
        int[] ra = byEvaluator.get("A");
        int[] rb = byEvaluator.get("B");
        System.out.printf("rewards before/after the kill: evaluator (A, pid %d) %d/%d, evaluator-2 (B, pid %d) "
                + "%d/%d%n", crash.a.pid(), ra[0], ra[1], crash.b.pid(), rb[0], rb[1]);
        assertTrue(ra[0] >= 1 && rb[0] >= 1, "both evaluators scored before the kill: A " + ra[0] + ", B " + rb[0]);
        assertEquals(0, rb[1], "no reward from the killed evaluator after the kill");

        // Redelivered: candidates of B's partitions, published before the kill, that A scored after it.
        Set<String> redelivered = new TreeSet<>();
        Set<String> reEvaluated = new TreeSet<>();
        for (Published<CandidateEvent> c : candidates.values()) {
            String id = c.event().candidateId();
            if (kill.partitionsOfB().contains(c.partition()) && c.timestampMs() < kill.atMs()
                    && survivorFirstAfterKill.containsKey(id)) {
                redelivered.add(id);
                if (scoredBy.get("B").contains(id)) {
                    reEvaluated.add(id);
                }
            }
        }
        System.out.printf("killed evaluator-2 at +%.1f s after its reward of %s, evaluating in child pid %s; its "
                        + "partitions %s; in hand or queued: %s%n", (kill.atMs() - crash.startMs) / 1000.0,
                kill.afterReward(), kill.evaluation(), kill.partitionsOfB(), kill.pending());
        assertNotNull(kill.evaluation(), "evaluator-2 was evaluating a candidate when it was killed");
        for (String id : kill.pending()) {
            // B may have finished one in the moment between the check and the kill; the others it never scored.
            assertTrue(redelivered.contains(id) || scoredBy.get("B").contains(id), id + " (pending at the kill) "
                    + "was redelivered to the survivor: " + redelivered);
        }
        long firstTakeover = redelivered.stream().mapToLong(survivorFirstAfterKill::get).min().orElseThrow();
        Map<String, Long> perCandidate = rewards.stream()
                .collect(Collectors.groupingBy(r -> r.event().candidateId(), Collectors.counting()));
        Set<String> twice = perCandidate.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
        System.out.printf("redelivered to the survivor: %d %s (first scored %.1f s after the kill); scored by B, "
                        + "not committed, scored again by A: %d %s%n", redelivered.size(), redelivered,
                (firstTakeover - kill.atMs()) / 1000.0, reEvaluated.size(), reEvaluated);
        System.out.printf("rewards on the topic %d, distinct candidates %d: %d evaluated twice %s%n",
                rewards.size(), perCandidate.size(), rewards.size() - perCandidate.size(), twice);
        assertFalse(redelivered.isEmpty(), "the survivor took over candidates of the killed evaluator's partitions");
        for (String id : twice) {
            assertTrue(reEvaluated.contains(id), id + " was scored twice, but not as a redelivery of B's: "
                    + perCandidate.get(id));
        }
    }

    /**
     * Follows the rewards topic and tells the evaluators apart by the pid of the worker that scored each reward
     * (EvaluatorInfo.worker says "slot-N pid P"; P is a child of one evaluator JVM). Once both have scored and a
     * reward of B's arrives while a candidate of B's partitions is still unscored, waits until B's worker is running
     * the next one and kills B: the JVM first (so it cannot publish a failure for the candidate in hand), then its
     * workers.
     */
    static final class Crash implements AutoCloseable {
        private static final Pattern PID = Pattern.compile("pid (\\d+)");

        /**
         * @param pending    candidates of B's partitions without a reward yet, the one it has in hand among them
         * @param evaluation the forked child of B's worker that was running a candidate, null if none was seen
         */
        record Kill(long atMs, String afterReward, Set<Integer> partitionsOfB, Set<String> pending,
                    Long evaluation) {
        }

        final ChildProcess a;
        final ChildProcess b;
        final long startMs = System.currentTimeMillis();
        final Map<String, Integer> owners = new ConcurrentHashMap<>(Map.of("A", 0, "B", 0));
        volatile Kill kill;
        private final String bootstrap;
        private final Map<Long, String> workerOwner = new ConcurrentHashMap<>();
        private final Set<String> scored = ConcurrentHashMap.newKeySet();
        private final Map<String, Integer> partitionOf = new HashMap<>();
        private final TopicReader reader;
        private final Thread thread;
        private volatile boolean running = true;

        Crash(String bootstrap, ChildProcess a, ChildProcess b) {
            this.bootstrap = bootstrap;
            this.a = a;
            this.b = b;
            reader = new TopicReader(bootstrap, Topics.REWARDS, TopicReader.Start.BEGINNING);
            thread = new Thread(() -> {
                try {
                    while (running) {
                        reader.poll(Duration.ofMillis(200), this::accept);
                    }
                } catch (WakeupException closing) {
                    // close() ends the loop.
                } finally {
                    reader.close();
                }
            }, "evaluator-crash");
            thread.start();
        }

        private void accept(ConsumerRecord<String, String> record) {
            RewardEvent r = EventCodec.reward(record.value());
            scored.add(r.candidateId());
            String owner = ownerOf(r);
            owners.merge(owner, 1, Integer::sum);
            if (kill == null && owner.equals("B") && owners.getOrDefault("A", 0) >= 1) {
                readCandidates();
                Integer partition = partitionOf.get(r.candidateId());
                Set<Integer> partitionsOfB = partition == null ? Set.of() : assignmentOfMemberWith(partition);
                Set<String> pending = new TreeSet<>();
                partitionOf.forEach((id, p) -> {
                    if (partitionsOfB.contains(p) && !scored.contains(id)) {
                        pending.add(id);
                    }
                });
                if (!pending.isEmpty()) {
                    Optional<ProcessHandle> evaluation = awaitEvaluation(b, Duration.ofSeconds(5));
                    kill = new Kill(System.currentTimeMillis(), r.candidateId(), partitionsOfB, pending,
                            evaluation.map(ProcessHandle::pid).orElse(null));
                    killTree(b);
                }
            }
        }

        /** A, B, or "?" for a worker of neither. */
        String ownerOf(RewardEvent r) {
            Matcher m = r.evaluator() == null || r.evaluator().worker() == null ? null
                    : PID.matcher(r.evaluator().worker());
            if (m == null || !m.find()) {
                return "?";
            }
            long pid = Long.parseLong(m.group(1));
            if (!workerOwner.containsKey(pid)) {
                learnWorkers(a);
                learnWorkers(b);
            }
            return workerOwner.getOrDefault(pid, "?");
        }

        /** Remembers the live workers of an evaluator (those of B die with it, so they are learnt before). */
        void learnWorkers(ChildProcess evaluator) {
            String name = evaluator == a ? "A" : "B";
            ProcessHandle.of(evaluator.pid()).ifPresent(h -> h.descendants()
                    .forEach(d -> workerOwner.putIfAbsent(d.pid(), name)));
        }

        /** Where each candidate published so far lies on candidate-kernels. */
        private void readCandidates() {
            for (ConsumerRecord<String, String> c : TopicReader.readToEnd(bootstrap, Topics.CANDIDATES,
                    TopicReader.Start.BEGINNING)) {
                partitionOf.put(c.key(), c.partition());
            }
        }

        /** The partitions of candidate-kernels the group member holding {@code partition} is assigned. */
        private Set<Integer> assignmentOfMemberWith(int partition) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("evaluator")).all()
                        .get(10, TimeUnit.SECONDS).get("evaluator");
                TopicPartition tp = new TopicPartition(Topics.CANDIDATES, partition);
                Optional<MemberDescription> member = group.members().stream()
                        .filter(md -> md.assignment().topicPartitions().contains(tp)).findFirst();
                return member.map(md -> md.assignment().topicPartitions().stream().map(TopicPartition::partition)
                        .collect(Collectors.toCollection(TreeSet::new))).orElseGet(TreeSet::new);
            } catch (Exception e) {
                throw new IllegalStateException("cannot describe the evaluator group", e);
            }
        }

        /**
         * Waits for the evaluator's worker to fork a child for a candidate (the harness runs each one in its own
         * child): a process two levels under the JVM means it is evaluating.
         */
        private static Optional<ProcessHandle> awaitEvaluation(ChildProcess p, Duration timeout) {
            ProcessHandle jvm = ProcessHandle.of(p.pid()).orElseThrow();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                Optional<ProcessHandle> child = jvm.descendants()
                        .filter(d -> d.parent().map(parent -> parent.pid() != jvm.pid()).orElse(false)).findFirst();
                if (child.isPresent()) {
                    return child;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return Optional.empty();
        }

        /** SIGKILL to the JVM, then to what it started: a crash, with no chance to leave the group or reply. */
        private void killTree(ChildProcess p) {
            ProcessHandle h = ProcessHandle.of(p.pid()).orElseThrow();
            List<ProcessHandle> children = h.descendants().toList();
            children.forEach(d -> workerOwner.putIfAbsent(d.pid(), "B"));
            h.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
                for (ProcessHandle d : children) {
                    d.onExit().get(10, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                throw new IllegalStateException("evaluator-2 did not die", e);
            }
            System.out.printf("killed evaluator-2 (pid %d) and its workers %s%n", p.pid(),
                    children.stream().map(ProcessHandle::pid).toList());
        }

        @Override
        public void close() {
            running = false;
            reader.wakeup();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    record Published<T>(T event, int partition, long timestampMs) {
    }

    private static <T> List<Published<T>> read(String bootstrap, String topic,
                                               java.util.function.Function<String, T> decode) {
        List<Published<T>> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : TopicReader.readToEnd(bootstrap, topic, TopicReader.Start.BEGINNING)) {
            out.add(new Published<>(decode.apply(r.value()), r.partition(), r.timestamp()));
        }
        return out;
    }
}
