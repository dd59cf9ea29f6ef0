package io.tttdiscover.trainer.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.util.Optional;

/** A policy version a run published; {@code params} holds the embedded policy's parameters as JSON. */
@Entity
@Table(name = "checkpoints")
public class CheckpointEntity extends PanacheEntityBase {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;
    @Column(name = "run_id")
    public String runId;
    public long version;
    public int step;
    public String backend;
    @Column(name = "weights_uri")
    public String weightsUri;
    public String params;
    @Column(name = "created_at")
    public long createdAt;

    public static Optional<CheckpointEntity> of(String runId, long version) {
        return find("runId = ?1 and version = ?2", runId, version).firstResultOptional();
    }

    public static Optional<CheckpointEntity> latest(String runId) {
        return find("runId = ?1 order by version desc", runId).firstResultOptional();
    }
}
