package io.tttdiscover.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.protocol.event.CheckpointEvent;
import io.tttdiscover.protocol.event.RewardEvent;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.event.TokenTrace;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.protocol.policy.PolicyComparison;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Text renderings of a re-train (recorded run beside its re-train) and of a re-score report. */
public final class ReplayComparison {
    private static final String STEP_HEADER = String.format(Locale.ROOT, "%4s %5s %11s %12s %12s %11s %11s %11s",
            "step", "n", "reward_mean", "loss_rec", "loss_re", "entropy_rec", "entropy_re", "kl_rec_re");

    private ReplayComparison() {
    }

    /**
     * Per step: the recorded run's own metrics where the checkpoints topic still holds them ("-" where compaction
     * removed them), beside the re-train's. kl_rec_re is the re-train's klSampleTrain: on the step's recorded samples,
     * the recorded policy's logprobs minus the re-trained policy's, before the step's update (0 while they agree).
     */
    public static String steps(List<StepMetrics> recorded, List<StepMetrics> retrained) {
        Map<Integer, StepMetrics> byStep = recorded.stream()
                .collect(Collectors.toMap(StepMetrics::step, Function.identity(), (a, b) -> b));
        StringBuilder sb = new StringBuilder(STEP_HEADER).append('\n');
        for (StepMetrics re : retrained) {
            Optional<StepMetrics> rec = Optional.ofNullable(byStep.get(re.step()));
            sb.append(String.format(Locale.ROOT, "%4d %5d %11.4f %12s %12s %11s %11.4f %11.3g%n", re.step(),
                    re.samples(), re.rewardMean(), rec.map(m -> num(m.loss())).orElse("-"), num(re.loss()),
                    rec.map(m -> String.format(Locale.ROOT, "%.4f", m.entropy())).orElse("-"), re.entropy(),
                    re.klSampleTrain()));
        }
        return sb.toString();
    }

    /** The two runs' latest policies, compared on the recorded run's evaluated samples. */
    public static String policies(CheckpointEvent recorded, CheckpointEvent retrained, List<RewardEvent> rewards,
                                  ProblemPack pack) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "latest policies: recorded run %s v%d, re-train %s v%d%n", recorded.runId(), recorded.policyVersion(),
                retrained.runId(), retrained.policyVersion()));
        if (recorded.embeddedPolicy() == null || retrained.embeddedPolicy() == null) {
            return sb.append(String.format(Locale.ROOT, "  weights %s and %s: not comparable here; kl_rec_re above "
                    + "compares them step by step%n", recorded.weightsUri(), retrained.weightsUri())).toString();
        }
        String target = rewards.isEmpty() ? "cpu" : rewards.get(0).candidate().target();
        List<PolicyComparison.Sample> samples = rewards.stream()
                .filter(r -> r.candidate().trace() != null && r.candidate().trace().completionLogprobs() != null)
                .map(r -> sample(r.candidate().trace(), r.status().success() ? r.reward() : 0.0)).toList();
        PolicyComparison.Result c = PolicyComparison.compare(recorded.embeddedPolicy(), retrained.embeddedPolicy(),
                samples, pack.programSpace().choosable(target));
        sb.append(String.format(Locale.ROOT, "  parameters: L2 distance %.6g, largest difference %.6g%s%n",
                c.l2Distance(), c.maxAbsDifference(), c.l2Distance() == 0 ? " (identical)" : ""));
        sb.append(String.format(Locale.ROOT, "  KL(recorded || re-trained): %.4g nats per decision, mean over the %d "
                + "recorded samples' parents%n", c.meanKl(), c.samples()));
        sb.append(String.format(Locale.ROOT, "  expected reward on the recorded measurements (importance-weighted): "
                        + "recorded %.4f (rests on %.1f samples), re-trained %.4f (rests on %.1f samples)%n",
                c.expectedRewardA(), c.effectiveSamplesA(), c.expectedRewardB(), c.effectiveSamplesB()));
        return sb.toString();
    }

    private static PolicyComparison.Sample sample(TokenTrace t, double reward) {
        return new PolicyComparison.Sample(t.promptTokens(), t.completionTokens(), t.completionLogprobs(), reward);
    }

    /** A re-score report (GET /runs/{id}/rescore), with up to {@code rowsShown} candidates whose result changed. */
    public static String rescore(JsonNode report, int rowsShown) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "%d of %d candidates of run %s evaluated again%n", report.path("rescored").asInt(),
                report.path("candidates").asInt(), report.path("of").asText()));
        StringBuilder transitions = new StringBuilder();
        report.path("transitions").fields().forEachRemaining(e -> transitions.append(transitions.isEmpty() ? "" : ", ")
                .append(e.getKey()).append(' ').append(e.getValue().asInt()));
        sb.append(String.format(Locale.ROOT, "status changed: %d%s%n", report.path("statusChanged").asInt(),
                transitions.isEmpty() ? "" : " (" + transitions + ")"));
        if (report.hasNonNull("rewardRatioMedian")) {
            sb.append(String.format(Locale.ROOT, "reward new / recorded, candidates correct both times: median %.4f "
                            + "(min %.4f, max %.4f)%n", report.path("rewardRatioMedian").asDouble(),
                    report.path("rewardRatioMin").asDouble(), report.path("rewardRatioMax").asDouble()));
        } else {
            sb.append("reward new / recorded: no candidate correct both times\n");
        }
        sb.append("recorded best: ").append(best(report.path("recordedBest"))).append('\n');
        sb.append("new best:      ").append(best(report.path("newBest"))).append('\n');
        sb.append(report.path("bestChanged").asBoolean() ? "the best program changed\n"
                : "the best program is the same\n");
        List<JsonNode> changed = new ArrayList<>();
        report.path("rows").forEach(r -> {
            if (r.hasNonNull("newStatus") && changedResult(r)) {
                changed.add(r);
            }
        });
        if (!changed.isEmpty()) {
            sb.append(String.format(Locale.ROOT, "%ncandidates whose status or reward changed by more than 5%% "
                    + "(%d, up to %d shown):%n", changed.size(), rowsShown));
            sb.append(String.format(Locale.ROOT, "%-28s %-10s %12s %-10s %12s%n", "candidate", "recorded", "rec_us",
                    "new", "new_us"));
            changed.stream().limit(rowsShown).forEach(r -> sb.append(String.format(Locale.ROOT,
                    "%-28s %-10s %12s %-10s %12s%n", r.path("candidateId").asText(), r.path("recordedStatus").asText(),
                    us(r.path("recordedRuntimeUs")), r.path("newStatus").asText(), us(r.path("newRuntimeUs")))));
        }
        return sb.toString();
    }

    private static boolean changedResult(JsonNode r) {
        if (!r.path("recordedStatus").asText().equals(r.path("newStatus").asText())) {
            return true;
        }
        double before = r.path("recordedReward").asDouble();
        double after = r.path("newReward").asDouble();
        return Math.abs(after - before) > 0.05 * Math.max(before, after);
    }

    private static String best(JsonNode row) {
        if (!row.isObject()) {
            return "none (no candidate correct)";
        }
        return String.format(Locale.ROOT, "%s recorded %s us (%s), now %s us (%s)", row.path("candidateId").asText(),
                us(row.path("recordedRuntimeUs")), row.path("recordedStatus").asText(), us(row.path("newRuntimeUs")),
                row.hasNonNull("newStatus") ? row.path("newStatus").asText() : "not rescored");
    }

    private static String us(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.1f", v.asDouble()) : "-";
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }
}
