package io.tttdiscover.trainer.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.Optional;

/** A reward as received: unique by candidate id, so a redelivered reward is recognised and counted once. */
@Entity
@Table(name = "rollouts")
public class RolloutEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "candidate_id")
    public String candidateId;
    @Column(name = "run_id")
    public String runId;
    public int step;
    @Column(name = "group_index")
    public int group;
    @Column(name = "sample_index")
    public int sample;
    @Column(name = "parent_state_id")
    public String parentStateId;
    @Column(name = "policy_version")
    public long policyVersion;
    public String status;
    public double reward;
    @Column(name = "runtime_us")
    public Double runtimeUs;
    public String message;
    public String program;
    /** JSON list of program-space choices, when the embedded policy wrote the program. */
    public String choices;
    /** JSON list of the protocol's BenchmarkStat; null when the candidate was not timed. */
    public String benchmarks;
    /** JSON of the protocol TokenTrace. */
    public String trace;
    @Column(name = "received_at")
    public long receivedAt;

    public static Optional<RolloutEntity> byCandidate(String candidateId) {
        return find("candidateId", candidateId).firstResultOptional();
    }
}
