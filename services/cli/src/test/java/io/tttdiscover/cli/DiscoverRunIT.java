package io.tttdiscover.cli;

import io.tttdiscover.cli.local.LocalStack;
import io.tttdiscover.cli.report.CheckpointLog;
import io.tttdiscover.cli.report.ExperienceMetrics;
import io.tttdiscover.cli.report.TopicReader;
import io.tttdiscover.cli.run.RunOutcome;
import io.tttdiscover.cli.run.RunReport;
import io.tttdiscover.protocol.api.RunRequest;
import io.tttdiscover.cli.run.RunWatcher;
import io.tttdiscover.cli.trainer.TrainerClient;
import io.tttdiscover.protocol.Topics;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.PolicyParameters;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.pack.ProgramSpace;
import io.tttdiscover.protocol.policy.PolicyComparison;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole product end to end, as {@code discover run} runs it: a real Kafka broker, PostgreSQL, and the trainer,
 * sampler and evaluator as separate JVMs from their packaged jars (the shared stack), one small run of the embedded
 * policy on TriMul (CPU), then checks on what it recorded.
 */
@ExtendWith(ItStack.Shared.class)
class DiscoverRunIT {
    private static final int STEPS = 6;
    private static final int GROUPS = 2;
    private static final int GROUP_SIZE = 6;
    private static final String PROBLEM = "trimul";
    private static final String TARGET = "cpu";

    @Test
    void aLocalRunLearnsAndCountsEveryRewardOnce(LocalStack stack) {
        RunRequest request = RunRequest.live(PROBLEM, STEPS, GROUPS, GROUP_SIZE, TARGET, 7, null);
        RunWatcher watcher = new RunWatcher(new TrainerClient(stack.service("trainer").url()),
                stack.bootstrapServers(), stack.processes(), System.out);
        RunOutcome run;
        try (Redelivery redelivery = Redelivery.ofFirstRewardOfStep(stack.bootstrapServers(), watcher::createdRunId,
                1)) {
            run = watcher.createAndWatch(request, Duration.ofMinutes(15));
            assertTrue(redelivery.done(), "a reward of step 1 was published a second time during the run");
        }
        RunReport.print(run, 0, 1, System.out);
        List<CheckpointEvent> checkpoints = CheckpointLog.read(stack.bootstrapServers(), run.runId());

        assertEquals("COMPLETED", run.status(), () -> "run ended " + run.status() + ": " + run.message()
                + "\n" + ItStack.tails(stack));
        everyStepHasMetrics(run);
        noRewardCountedTwice(run);
        policyMovedTowardsFasterPrograms(ItStack.REPO, run, checkpoints);
    }

    private static void everyStepHasMetrics(RunOutcome run) {
        assertEquals(STEPS, run.steps().size(), "one StepMetrics per step");
        Set<Integer> stepIds = run.steps().stream().map(StepMetrics::step).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(STEPS, stepIds.size(), "distinct step numbers: " + stepIds);
        for (StepMetrics m : run.steps()) {
            assertTrue(m.samples() > 0, "step " + m.step() + " has samples");
            assertTrue(Double.isFinite(m.rewardMean()) && Double.isFinite(m.rewardMax()), "step " + m.step()
                    + " has reward figures");
        }
    }

    /**
     * A reward was redelivered during the run, yet the trainer's sample counts equal the distinct candidates on the
     * rewards topic, step by step, and no step has more samples than it asked for: counting it twice breaks both.
     */
    private static void noRewardCountedTwice(RunOutcome run) {
        assertTrue(run.duplicateRewards() >= 1, "the redelivered reward is on the topic twice");
        Map<Integer, Long> distinctPerStep = run.rewards().stream()
                .collect(Collectors.groupingBy(RewardEvent::step, Collectors.counting()));
        for (StepMetrics m : run.steps()) {
            assertTrue(m.samples() <= GROUPS * GROUP_SIZE, "step " + m.step() + " counted " + m.samples()
                    + " samples for " + GROUPS * GROUP_SIZE + " candidates");
            assertEquals(distinctPerStep.getOrDefault(m.step(), 0L).intValue(), m.samples(),
                    "step " + m.step() + ": trainer's samples vs distinct rewards on the topic");
        }
        List<StepMetrics> replayed = ExperienceMetrics.rebuild(run.rewards());
        for (int i = 0; i < replayed.size(); i++) {
            assertEquals(run.steps().get(i).rewardMean(), replayed.get(i).rewardMean(), 1e-9,
                    "step " + run.steps().get(i).step() + ": reward mean rebuilt from the rewards topic");
        }
    }

    /**
     * Each step's update moved probability towards the children that measured faster: per prompt (one parent and its
     * group), the expected reward estimated by self-normalised importance weighting of the group's recorded
     * candidates (choices, sampler logprobs, measured reward) is higher under the policy its step trained than under
     * the policy that drew it, averaged over the prompts. (An edit policy's logits alone do not say this: an
     * alternative adopted early stops being an edit.)
     */
    private static void policyMovedTowardsFasterPrograms(Path repo, RunOutcome run, List<CheckpointEvent> cps) {
        assertFalse(cps.isEmpty(), "checkpoints of the run on the checkpoints topic");
        CheckpointEvent first = cps.get(0);
        CheckpointEvent last = cps.get(cps.size() - 1);
        assertTrue(last.policyVersion() > first.policyVersion(), "the policy was updated: versions "
                + first.policyVersion() + " -> " + last.policyVersion());
        ProgramSpace space = ProblemPack.load(repo.resolve("problems"), PROBLEM).programSpace();
        // per prompt (one parent, its group of siblings), as the trainer's group advantages compare them: under the
        // policy that drew the group and under the one its step trained
        Map<Long, PolicyParameters> byVersion = cps.stream().collect(Collectors.toMap(CheckpointEvent::policyVersion,
                CheckpointEvent::embeddedPolicy, (x, y) -> x));
        Map<String, List<RewardEvent>> groups = run.rewards().stream()
                .filter(r -> r.candidate().trace() != null && r.candidate().trace().completionLogprobs() != null
                        && byVersion.containsKey(r.candidate().policyVersion() + 1))
                .collect(Collectors.groupingBy(r -> r.candidate().promptId()));
        double before = 0;
        double after = 0;
        for (List<RewardEvent> group : groups.values()) {
            long v = group.get(0).candidate().policyVersion();
            List<PolicyComparison.Sample> samples = group.stream().map(r -> new PolicyComparison.Sample(
                    r.candidate().trace().promptTokens(), r.candidate().trace().completionTokens(),
                    r.candidate().trace().completionLogprobs(), r.reward())).toList();
            PolicyComparison.Result c = PolicyComparison.compare(byVersion.get(v), byVersion.get(v + 1), samples,
                    space.choosable(TARGET));
            before += c.expectedRewardA() / groups.size();
            after += c.expectedRewardB() / groups.size();
        }
        System.out.printf("expected reward of each group under its policy -> the next: %.5f -> %.5f (%d groups); "
                        + "reward mean step %d %.4f -> step %d %.4f%n", before, after,
                groups.size(), run.steps().get(0).step(), run.steps().get(0).rewardMean(),
                run.steps().get(run.steps().size() - 1).step(), run.steps().get(run.steps().size() - 1).rewardMean());
        assertTrue(after > before, String.format("expected reward under the policy should rise: %.5f -> %.5f",
                before, after));
    }

    /**
     * Publishes one recorded reward of a step of the run a second time, exactly as it was (key and value), while the
     * trainer is still collecting that step: the redelivery an evaluator retry or a producer retry would cause.
     */
    static final class Redelivery implements AutoCloseable {
        private final TopicReader reader;
        private final KafkaProducer<String, String> producer;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile boolean done;

        private Redelivery(String bootstrap, Supplier<String> runId, int step) {
            reader = new TopicReader(bootstrap, Topics.REWARDS, TopicReader.Start.BEGINNING);
            producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024),
                    new StringSerializer(), new StringSerializer());
            thread = new Thread(() -> {
                try {
                    while (running && !done) {
                        reader.poll(Duration.ofMillis(300), r -> {
                            // Rewards are keyed by run id; other tests' records on the shared stack are not read.
                            if (!done && r.key() != null && r.key().equals(runId.get())
                                    && EventCodec.reward(r.value()).step() == step) {
                                producer.send(new ProducerRecord<>(Topics.REWARDS, r.key(), r.value()));
                                producer.flush();
                                done = true;
                            }
                        });
                    }
                } catch (WakeupException closing) {
                    // close() ends the loop.
                } finally {
                    reader.close();
                }
            }, "redelivery");
            thread.start();
        }

        /** @param runId the run's id once it is created, null before */
        static Redelivery ofFirstRewardOfStep(String bootstrap, Supplier<String> runId, int step) {
            return new Redelivery(bootstrap, runId, step);
        }

        boolean done() {
            return done;
        }

        @Override
        public void close() {
            running = false;
            reader.wakeup();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            producer.close(Duration.ofSeconds(5));
        }
    }
}
