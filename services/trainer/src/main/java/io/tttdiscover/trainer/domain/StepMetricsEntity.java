package io.tttdiscover.trainer.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.tttdiscover.protocol.event.StepMetrics;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.List;

/** One row per training step: the protocol's {@link StepMetrics}, column for column. */
@Entity
@Table(name = "step_metrics")
public class StepMetricsEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "run_id")
    public String runId;
    public int step;
    public int samples;
    public int failures;
    @Column(name = "reward_max")
    public double rewardMax;
    @Column(name = "reward_mean")
    public double rewardMean;
    @Column(name = "reward_min")
    public double rewardMin;
    @Column(name = "best_runtime_us")
    public Double bestRuntimeUs;
    @Column(name = "best_runtime_so_far_us")
    public Double bestRuntimeSoFarUs;
    @Column(name = "frac_all_bad")
    public double fracAllBad;
    @Column(name = "frac_all_good")
    public double fracAllGood;
    @Column(name = "frac_mixed")
    public double fracMixed;
    @Column(name = "groups_kept")
    public int groupsKept;
    public double beta;
    @Column(name = "advantage_mean")
    public double advantageMean;
    @Column(name = "advantage_min")
    public double advantageMin;
    @Column(name = "advantage_max")
    public double advantageMax;
    @Column(name = "kl_policy_base")
    public double klPolicyBase;
    @Column(name = "kl_sample_train")
    public double klSampleTrain;
    public double entropy;
    public double loss;
    @Column(name = "archive_size")
    public int archiveSize;
    @Column(name = "wall_ms")
    public long wallMs;

    public static StepMetricsEntity of(String runId, StepMetrics m) {
        StepMetricsEntity e = new StepMetricsEntity();
        e.runId = runId;
        e.step = m.step();
        e.samples = m.samples();
        e.failures = m.failures();
        e.rewardMax = m.rewardMax();
        e.rewardMean = m.rewardMean();
        e.rewardMin = m.rewardMin();
        e.bestRuntimeUs = m.bestRuntimeUs();
        e.bestRuntimeSoFarUs = m.bestRuntimeSoFarUs();
        e.fracAllBad = m.fracAllBad();
        e.fracAllGood = m.fracAllGood();
        e.fracMixed = m.fracMixed();
        e.groupsKept = m.groupsKept();
        e.beta = m.beta();
        e.advantageMean = m.advantageMean();
        e.advantageMin = m.advantageMin();
        e.advantageMax = m.advantageMax();
        e.klPolicyBase = m.klPolicyBase();
        e.klSampleTrain = m.klSampleTrain();
        e.entropy = m.entropy();
        e.loss = m.loss();
        e.archiveSize = m.archiveSize();
        e.wallMs = m.wallMs();
        return e;
    }

    public StepMetrics toMetrics() {
        return new StepMetrics(step, samples, failures, rewardMax, rewardMean, rewardMin, bestRuntimeUs,
                bestRuntimeSoFarUs, fracAllBad, fracAllGood, fracMixed, groupsKept, beta, advantageMean, advantageMin,
                advantageMax, klPolicyBase, klSampleTrain, entropy, loss, archiveSize, wallMs);
    }

    public static List<StepMetricsEntity> ofRun(String runId) {
        return list("runId = ?1 order by step", runId);
    }
}
