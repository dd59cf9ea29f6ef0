package io.tttdiscover.cli.run;

import io.tttdiscover.cli.report.EvaluationThroughput;
import io.tttdiscover.cli.report.PipelineFigures;
import io.tttdiscover.cli.report.StepTable;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The end-of-run printout: step table, best program, and the figures an operator watches. */
public final class RunReport {
    private RunReport() {
    }

    public static void print(RunOutcome o, long startupMs, int workers, PrintStream out) {
        out.println();
        out.print(StepTable.render(o.steps()));
        out.println();
        if (o.best() != null) {
            out.print(StepTable.best(o.best()));
        } else {
            out.println("best program: none (no candidate passed)");
        }
        PipelineFigures f = o.figures();
        long failed = o.rewards().stream().filter(r -> !r.status().success()).count();
        out.println();
        out.printf(Locale.ROOT, "run %s %s%s%n", o.runId(), o.status(),
                o.message() == null || o.message().isBlank() ? "" : ": " + o.message());
        out.printf(Locale.ROOT, "  mask semantics       %s%n", maskSemantics(o));
        out.printf(Locale.ROOT, "  wall time            %.1f s for the run, %.1f s in all (with %.1f s of startup)%n",
                o.runWallMs() / 1e3, (o.runWallMs() + startupMs) / 1e3, startupMs / 1e3);
        out.printf(Locale.ROOT, "  candidates           %d rewarded, %d failed, %d redelivered reward(s) ignored%n",
                o.rewards().size(), failed, o.duplicateRewards());
        out.printf(Locale.ROOT, "  queue latency        median %.0f ms from a candidate's publication to the start of"
                + " its evaluation%n", f.medianQueueMs());
        out.printf(Locale.ROOT, "  evaluation time      median %.0f ms per candidate%n", f.medianEvalMs());
        out.printf(Locale.ROOT, "  evaluator busy       %.0f%% of the run's wall time (%.1f s evaluating%s)%n",
                100 * f.busyFraction(), f.evalBusyMs() / 1e3,
                workers > 1 ? String.format(Locale.ROOT, ", %.0f%% per worker over %d workers",
                        100 * f.busyFraction() / workers, workers) : "");
        Map<String, Integer> by = EvaluationThroughput.of(o.rewards()).counts();
        if (by.size() > 1) {
            StringBuilder line = new StringBuilder();
            new TreeMap<>(by).forEach((k, v) -> line.append(line.isEmpty() ? "" : ", ").append(k).append(' ').append(v));
            out.printf(Locale.ROOT, "  evaluated by         %s%n", line);
        }
        out.println("  memory (RSS)         now / peak:");
        for (MemoryFigure m : o.memory()) {
            out.printf(Locale.ROOT, "    %-10s %6.0f / %4.0f MiB%s%n", m.name(), m.rssKb() / 1024.0,
                    m.peakKb() / 1024.0, m.childrenRssKb() > 0 || m.peakWithChildrenKb() > 1.05 * m.peakKb()
                            ? String.format(Locale.ROOT, "  (with its child processes: %.0f MiB now, %.0f MiB peak)",
                            (m.rssKb() + m.childrenRssKb()) / 1024.0, m.peakWithChildrenKb() / 1024.0) : "");
        }
    }

    /**
     * What the run asked for; when some evaluations recorded other semantics (an evaluator that did not apply the
     * run's), what each recorded and how often.
     */
    static String maskSemantics(RunOutcome o) {
        Map<String, Long> recorded = o.rewards().stream()
                .map(r -> r.evaluator() == null ? null : r.evaluator().maskSemantics())
                .filter(Objects::nonNull)
                .collect(Collectors.groupingBy(m -> m, TreeMap::new, Collectors.counting()));
        String asked = o.maskSemantics() == null ? "not recorded by the trainer" : o.maskSemantics();
        if (recorded.keySet().stream().allMatch(m -> m.equals(o.maskSemantics()))) {
            return asked;
        }
        return asked + "; evaluations recorded " + recorded.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue() + "x").collect(Collectors.joining(", "));
    }
}
