-- What a restarted trainer needs to resume a RUNNING run at its step in flight (RunLoop): written in the same
-- transaction as the step's metrics, checkpoint and run row, so a step is either wholly done or not at all.
CREATE TABLE run_state (
    run_id          VARCHAR(64) PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    -- the step in flight, the policy version its prompts sample from, and the run's best score so far
    step            INTEGER NOT NULL,
    version         BIGINT NOT NULL,
    best_so_far_us  DOUBLE PRECISION,
    -- the PUCT archive (PuctArchive.Snapshot as JSON) and the state ids the step's groups start from, in order
    archive         TEXT NOT NULL,
    parents         TEXT NOT NULL,
    -- groups of the step whose prompt went out, and candidates written off at a deadline
    published       INTEGER NOT NULL,
    written_off     INTEGER NOT NULL,
    -- the training session's own state (TrainingSession.saveTrainingState), null if the backend keeps none
    training_state  TEXT,
    updated_at      BIGINT NOT NULL
);
