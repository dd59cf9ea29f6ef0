package io.tttdiscover.cli.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.protocol.event.StepMetrics;

import java.util.List;
import java.util.Locale;

/**
 * Text renderings of step metrics and of a run's best program. "best" is the best score of a step (a runtime in us
 * for TriMul, the pack's own score otherwise, e.g. a sum of radii).
 */
public final class StepTable {
    private static final String HEADER = String.format(Locale.ROOT, "%4s %5s %4s %10s %11s %10s %14s %6s %7s %8s %7s",
            "step", "n", "fail", "reward_max", "reward_mean", "best", "best_so_far", "mixed", "beta", "kl",
            "wall_s");

    private StepTable() {
    }

    public static String render(List<StepMetrics> steps) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (StepMetrics m : steps) {
            sb.append(row(m)).append('\n');
        }
        return sb.toString();
    }

    public static String row(StepMetrics m) {
        return String.format(Locale.ROOT, "%4d %5d %4d %10.4f %11.4f %10s %14s %5.0f%% %7s %8s %7.1f", m.step(),
                m.samples(), m.failures(), m.rewardMax(), m.rewardMean(), score(m.bestRuntimeUs()),
                score(m.bestRuntimeSoFarUs()), 100 * m.fracMixed(), num(m.beta(), 3), num(m.klPolicyBase(), 4),
                m.wallMs() / 1000.0);
    }

    /** One line for a step as it finishes. */
    public static String progressLine(StepMetrics m, int done, int totalSteps) {
        return String.format(Locale.ROOT, "[%d/%d] step %d: reward max %.4f mean %.4f, best %s (so far %s), "
                        + "%d/%d failed, mixed groups %.0f%%, beta %s, kl %s, %.1f s", done, totalSteps, m.step(),
                m.rewardMax(), m.rewardMean(), score(m.bestRuntimeUs()), score(m.bestRuntimeSoFarUs()), m.failures(),
                m.samples(), 100 * m.fracMixed(), num(m.beta(), 3), num(m.klPolicyBase(), 4), m.wallMs() / 1000.0);
    }

    /**
     * The best program of a run (GET /runs/{id}/best): its score (a runtime in us, or the pack's named score, e.g.
     * "sum of radii 2.6358" with what the evaluator measured or built), then the program.
     */
    public static String best(JsonNode best) {
        StringBuilder sb = new StringBuilder();
        String value = score(best.path("runtimeUs").isNumber() ? best.path("runtimeUs").asDouble() : null);
        String unit = best.path("scoreUnit").asText("us");
        boolean runtime = unit.equals("us");
        sb.append(String.format(Locale.ROOT, "best program: %s (reward %.4f), candidate %s%n",
                runtime ? value + " us" : best.path("scoreName").asText("score") + " " + value,
                best.path("reward").asDouble(), best.path("candidateId").asText("?")));
        if (!runtime && best.hasNonNull("message")) {
            sb.append("evaluator: ").append(best.path("message").asText()).append('\n');
        }
        if (best.hasNonNull("description")) {
            sb.append("choices: ").append(best.path("description").asText()).append('\n');
        }
        sb.append("----8<----\n").append(best.path("program").asText("").strip()).append("\n----8<----\n");
        return sb.toString();
    }

    /** A score: a runtime in us to 0.1, a small score (a construction's value) to 4 decimals. */
    public static String score(Double v) {
        if (v == null || v.isNaN()) {
            return "-";
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.4f", v);
    }

    static String num(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
}
