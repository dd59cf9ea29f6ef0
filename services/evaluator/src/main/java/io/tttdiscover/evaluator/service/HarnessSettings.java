package io.tttdiscover.evaluator.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How harness workers run here: which Python, on which device, how many at once. {@code auto} asks torch (in the
 * configured Python) how many GPUs it sees; one worker per GPU, or {@code discover.evaluator.workers} on the CPU.
 */
@ApplicationScoped
public class HarnessSettings {
    private static final Logger LOG = Logger.getLogger(HarnessSettings.class);
    private static final String GPU_PROBE =
            "import torch; print(torch.cuda.device_count() if torch.cuda.is_available() else 0)";

    private final String python;
    private final String device;
    private final List<String> gpus;
    private final int slots;
    private final Duration timeoutMargin;
    private final Duration startupTimeout;
    private final Optional<Integer> maxTimedRuns;

    public HarnessSettings(
            @ConfigProperty(name = "discover.evaluator.python") Optional<String> python,
            @ConfigProperty(name = "discover.evaluator.device", defaultValue = "auto") String device,
            @ConfigProperty(name = "discover.evaluator.workers") Optional<Integer> workers,
            @ConfigProperty(name = "discover.evaluator.timeout-margin", defaultValue = "30s") Duration timeoutMargin,
            @ConfigProperty(name = "discover.evaluator.startup-timeout", defaultValue = "300s") Duration startupTimeout,
            @ConfigProperty(name = "discover.evaluator.max-timed-runs") Optional<Integer> maxTimedRuns,
            @ConfigProperty(name = "smallrye.messaging.worker.evaluation.max-concurrency", defaultValue = "1")
            int evaluationConcurrency) {
        this.python = python.orElse(Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3");
        this.timeoutMargin = timeoutMargin;
        this.startupTimeout = startupTimeout;
        this.maxTimedRuns = maxTimedRuns;
        maxTimedRuns.filter(n -> n < 2).ifPresent(n -> {
            throw new IllegalArgumentException("discover.evaluator.max-timed-runs must be at least 2, was " + n);
        });
        this.gpus = device.equals("cpu") ? List.of() : visibleGpus(probeGpuCount(this.python));
        this.device = switch (device) {
            case "cpu" -> "cpu";
            case "cuda" -> {
                if (gpus.isEmpty()) {
                    LOG.warnf("discover.evaluator.device=cuda but %s sees no GPU; the workers will fail", this.python);
                }
                yield "cuda";
            }
            case "auto" -> gpus.isEmpty() ? "cpu" : "cuda";
            default -> throw new IllegalArgumentException("discover.evaluator.device must be auto, cpu or cuda, was "
                    + device);
        };
        this.slots = workers.orElse(this.device.equals("cuda") ? Math.max(1, gpus.size()) : 1);
        LOG.infof("harness: %s on %s, %d worker slot(s)%s", this.python, this.device, slots,
                gpus.isEmpty() ? "" : " over GPUs " + gpus);
        if (evaluationConcurrency < slots) {
            LOG.warnf("%d worker slots but candidates are read %d at a time: set discover.evaluator.read-ahead to at "
                    + "least %d, or workers stay idle", slots, evaluationConcurrency, slots);
        }
    }

    public String python() {
        return python;
    }

    /** "cpu" or "cuda". */
    public String device() {
        return device;
    }

    public int slots() {
        return slots;
    }

    public Duration timeoutMargin() {
        return timeoutMargin;
    }

    public Duration startupTimeout() {
        return startupTimeout;
    }

    /**
     * Worker options of this evaluator, before the pack's own {@code harness_options}: {@code --max-runs N} when
     * {@code discover.evaluator.max-timed-runs} caps the timed calls per benchmark (each still checked on fresh inputs;
     * scores get noisier, evaluations quicker), else none: the pack's timing as it stands.
     */
    public List<String> workerOptions() {
        return maxTimedRuns.map(n -> List.of("--max-runs", n.toString())).orElse(List.of());
    }

    /** The environment of a slot's worker: on CUDA, the one GPU it owns (slots beyond the GPUs share round-robin). */
    public Map<String, String> environment(int slot) {
        return gpus.isEmpty() ? Map.of() : Map.of("CUDA_VISIBLE_DEVICES", gpus.get(slot % gpus.size()));
    }

    /** GPU ids as CUDA names them for this process: the ones already visible, else 0..count-1. */
    private static List<String> visibleGpus(int count) {
        String visible = System.getenv("CUDA_VISIBLE_DEVICES");
        List<String> ids = new ArrayList<>();
        if (visible != null && !visible.isBlank()) {
            for (String id : visible.split(",")) {
                if (!id.isBlank() && ids.size() < count) {
                    ids.add(id.strip());
                }
            }
            return ids;
        }
        for (int i = 0; i < count; i++) {
            ids.add(String.valueOf(i));
        }
        return ids;
    }

    private static int probeGpuCount(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c", GPU_PROBE).redirectErrorStream(true).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                LOG.warn("the GPU probe took over 120 s; assuming no GPU");
                return 0;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            String last = out.isEmpty() ? "" : out.substring(out.lastIndexOf('\n') + 1);
            if (p.exitValue() != 0 || !last.matches("\\d+")) {
                LOG.warnf("the GPU probe failed (exit %d): %s; assuming no GPU", p.exitValue(), out);
                return 0;
            }
            return Integer.parseInt(last);
        } catch (IOException e) {
            LOG.warnf("cannot run %s to probe GPUs: %s; assuming no GPU", python, e.getMessage());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
