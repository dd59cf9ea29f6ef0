package io.tttdiscover.trainer.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.List;

/**
 * A training run: its configuration (JSON of RunConfig), its mask semantics (wire name; null for runs from before
 * the column), where it is, and the best candidate so far; for a replay run, what it replays and its report.
 */
@Entity
@Table(name = "runs")
public class Run extends PanacheEntityBase {
    @Id
    public String id;
    @Column(name = "problem_id")
    public String problemId;
    public String config;
    @Column(name = "mask_semantics")
    public String maskSemantics;
    @Enumerated(EnumType.STRING)
    public RunStatus status;
    @Column(name = "current_step")
    public int currentStep;
    @Column(name = "steps_done")
    public int stepsDone;
    @Column(name = "best_runtime_us")
    public Double bestRuntimeUs;
    @Column(name = "best_candidate_id")
    public String bestCandidateId;
    @Column(name = "created_at")
    public long createdAt;
    @Column(name = "finished_at")
    public Long finishedAt;
    public String message;
    /** What a replay run replays (service.Replay as JSON); null for a live run. */
    public String replay;
    /** A re-score run's comparison (service.RescoreReport as JSON), once it has one. */
    public String report;

    public static List<Run> newestFirst() {
        return list("order by createdAt desc");
    }

    public static List<Run> unfinished() {
        return list("status in ?1", List.of(RunStatus.CREATED, RunStatus.RUNNING));
    }
}
