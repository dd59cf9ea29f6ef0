package io.tttdiscover.evaluator.harness;

import org.jboss.logging.Logger;

import io.tttdiscover.protocol.event.BenchmarkStat;
import io.tttdiscover.protocol.event.CandidateEvent;
import io.tttdiscover.protocol.event.EvaluationTimings;
import io.tttdiscover.protocol.event.EvaluatorInfo;
import io.tttdiscover.protocol.event.Event;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.RewardStatus;
import io.tttdiscover.protocol.event.TestSummary;
import io.tttdiscover.protocol.pack.ProblemPack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * A problem pack's Python harness as a scorer: a {@link WorkerPool} of the pack's warm workers, and the mapping from
 * their result lines to reward events. Any pack whose harness speaks the worker protocol can be scored this way.
 */
public final class PackHarness implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PackHarness.class);

    private final ProblemPack pack;
    private final String device;
    private final Duration timeoutMargin;
    private final String evaluatorVersion;
    private final String host;
    private final WorkerPool pool;

    /**
     * @param extraArgs harness options after {@code --pack} and {@code --device} (the pack's {@code harness_options},
     *                  then the deployment's)
     */
    public PackHarness(ProblemPack pack, String python, String device, int slots,
                       IntFunction<Map<String, String>> envForSlot, List<String> extraArgs, Duration startupTimeout,
                       Duration timeoutMargin, String serviceVersion, String host) {
        this.pack = pack;
        this.device = device;
        this.timeoutMargin = timeoutMargin;
        this.host = host;
        Path packDir = pack.dir().toAbsolutePath().normalize();
        Path worker = pack.harness().toAbsolutePath().normalize();
        this.evaluatorVersion = serviceVersion + "/" + pack.id() + "@" + fingerprint(packDir, worker.getParent());
        List<String> command = new ArrayList<>(List.of(python, worker.toString(), "--pack", packDir.toString(),
                "--device", device));
        command.addAll(extraArgs);
        this.pool = new WorkerPool(command, packDir, slots, envForSlot, startupTimeout);
    }

    /**
     * Scores one candidate on the next free worker; failures of the candidate or of the worker are statuses. The
     * candidate's mask semantics goes with the request; a candidate without one gets the worker's startup setting.
     */
    public RewardEvent evaluate(CandidateEvent c, long receivedAtMs) throws InterruptedException {
        double harnessTimeoutS = pack.timeoutSeconds(device);
        Duration outer = Duration.ofMillis((long) (harnessTimeoutS * 1000)).plus(timeoutMargin);
        WorkerRequest request = new WorkerRequest(c.candidateId(), c.program(), harnessTimeoutS, c.maskSemantics());
        WorkerReply reply = pool.evaluate(request, outer);
        if (reply.outcome() == WorkerReply.Outcome.DIED || reply.outcome() == WorkerReply.Outcome.PROTOCOL_ERROR) {
            // The worker itself failed, not the candidate (which runs sandboxed in a child of the worker and can
            // neither signal it nor write to its protocol): evaluate once more on a fresh worker.
            LOG.warnf("candidate %s: the harness worker failed (%s: %s); evaluating it once more", c.candidateId(),
                    reply.outcome(), reply.detail());
            WorkerReply again = pool.evaluate(request, outer);
            reply = again.outcome() == reply.outcome() ? again.withDetail("the harness worker failed twice on this "
                    + "candidate (" + reply.detail() + "; then " + again.detail() + ")") : again;
        }
        return reward(c, receivedAtMs, reply);
    }

    /** The device and hardware the workers reported, or null while none is up. */
    public WorkerReady ready() {
        return pool.anyReady();
    }

    public String evaluatorVersion() {
        return evaluatorVersion;
    }

    @Override
    public void close() {
        pool.close();
    }

    private RewardEvent reward(CandidateEvent c, long receivedAtMs, WorkerReply reply) {
        HarnessResult r = reply.result();
        RewardStatus status = switch (reply.outcome()) {
            case ANSWERED -> statusOf(r.status());
            case TIMEOUT -> RewardStatus.TIMEOUT;
            case DIED -> RewardStatus.CRASHED;
            case PROTOCOL_ERROR, START_FAILED -> RewardStatus.EVALUATOR_ERROR;
        };
        String message = r == null ? reply.detail()
                : status == RewardStatus.EVALUATOR_ERROR ? "harness answered an unknown status " + r.status()
                : r.message();
        if (r != null && status != RewardStatus.EVALUATOR_ERROR && c.maskSemantics() != null
                && r.maskSemantics() != null && !r.maskSemantics().equals(c.maskSemantics().wire())) {
            // Scored under semantics the run did not ask for: not comparable with the run's other rewards.
            status = RewardStatus.EVALUATOR_ERROR;
            message = "the harness applied mask semantics " + r.maskSemantics() + " but the candidate asked for "
                    + c.maskSemantics().wire() + " (does the worker read mask_semantics per request?)";
        }
        Double score = r == null ? null : r.effectiveScore();
        boolean scored = status == RewardStatus.OK && score != null && Double.isFinite(score) && score > 0;
        if (status == RewardStatus.OK && !scored) {
            status = RewardStatus.EVALUATOR_ERROR;
            message = "harness answered OK without a positive score";
        }
        double reward = scored ? pack.reward(score) : 0.0;
        List<BenchmarkStat> benchmarks = new ArrayList<>();
        if (r != null && r.benchmarks() != null) {
            for (HarnessResult.Benchmark b : r.benchmarks()) {
                benchmarks.add(new BenchmarkStat(b.name(), b.meanUs(), b.stdUs(), b.runs(), b.bestUs()));
            }
        }
        TestSummary tests = r == null || r.tests() == null ? new TestSummary(0, 0)
                : new TestSummary(r.tests().passed(), r.tests().total());
        List<String> checks = r == null || r.checksFired() == null ? List.of() : List.copyOf(r.checksFired());
        HarnessResult.Timings t = r == null ? null : r.timingsMs();
        EvaluationTimings timings = new EvaluationTimings(c.createdAtMs(), receivedAtMs, reply.startedAtMs(),
                reply.finishedAtMs(), t == null ? 0 : t.staticMs(), t == null ? 0 : t.test(),
                t == null ? 0 : t.benchmark());
        return new RewardEvent(Event.CURRENT_SCHEMA, c.runId(), c.step(), c.group(), c.sample(), c.problemId(),
                status, message, reward, scored ? score : null, List.copyOf(benchmarks), tests, checks,
                info(reply, c.maskSemantics()), timings, c);
    }

    /**
     * Which evaluator scored the candidate. The mask semantics is what the worker's result says it applied; without
     * a result (timeout, crash), what the request asked for, else the worker's startup setting.
     */
    private EvaluatorInfo info(WorkerReply reply, MaskSemantics requested) {
        HarnessResult.Hardware hw = reply.result() != null && reply.result().hardware() != null
                ? reply.result().hardware()
                : reply.ready() == null ? null : reply.ready().hardware();
        String mask = reply.result() != null && reply.result().maskSemantics() != null
                ? reply.result().maskSemantics()
                : requested != null ? requested.wire()
                : reply.ready() == null ? null : reply.ready().maskSemantics();
        String worker = "slot-" + reply.slot() + (reply.ready() != null && reply.ready().pid() != null
                ? " pid " + reply.ready().pid() : "");
        return new EvaluatorInfo(evaluatorVersion, host, worker, hw == null ? device : hw.device(),
                hw == null ? null : hw.gpuName(), hw == null ? null : hw.driver(), hw == null ? null : hw.torch(),
                hw == null ? null : hw.triton(), hw == null ? null : hw.python(), mask,
                reply.result() == null || reply.result().isolation() == null ? null
                        : reply.result().isolation().summary());
    }

    private static RewardStatus statusOf(String harnessStatus) {
        try {
            return RewardStatus.valueOf(harnessStatus);
        } catch (IllegalArgumentException | NullPointerException e) {
            return RewardStatus.EVALUATOR_ERROR;
        }
    }

    /**
     * A short hash of the pack's files and of the harness folder the worker runs from, so rewards say which harness
     * and cases scored them and a re-scoring with a changed harness is told apart.
     */
    static String fingerprint(Path packDir, Path harnessDir) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<Path> files = new ArrayList<>();
            for (Path dir : List.of(packDir, harnessDir)) {
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> s = Files.list(dir)) {
                        s.filter(Files::isRegularFile).forEach(files::add);
                    }
                }
            }
            files.sort(null);
            for (Path f : files) {
                Path base = f.startsWith(packDir) ? packDir : harnessDir;
                sha.update(base.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(f));
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pack " + packDir, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
