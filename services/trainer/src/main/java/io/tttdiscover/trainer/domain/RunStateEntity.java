package io.tttdiscover.trainer.domain;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A RUNNING run's resume point: its step in flight with the archive and policy state it began with. */
@Entity
@Table(name = "run_state")
public class RunStateEntity extends PanacheEntityBase {
    @Id
    @Column(name = "run_id")
    public String runId;
    public int step;
    public long version;
    @Column(name = "best_so_far_us")
    public Double bestSoFarUs;
    public String archive;
    public String parents;
    public int published;
    @Column(name = "written_off")
    public int writtenOff;
    @Column(name = "training_state")
    public String trainingState;
    @Column(name = "updated_at")
    public long updatedAt;
}
