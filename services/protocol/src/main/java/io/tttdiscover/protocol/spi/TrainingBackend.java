package io.tttdiscover.protocol.spi;

/**
 * Where the trainer's gradient steps happen: the embedded program-space policy, or Tinker (hosted or a self-hosted
 * Tinker-compatible server).
 */
public interface TrainingBackend {

    /** The configuration name that selects this backend ("embedded", "tinker"). */
    String name();

    /**
     * Opens (or resumes) the training session of a run.
     *
     * @param resumeFrom the newest checkpoint the run published, to continue after a trainer restart; null at start
     */
    TrainingSession open(TrainingSpec spec, PolicyCheckpoint resumeFrom);

    /**
     * Resumes a run after a trainer restart: its newest checkpoint and the training state saved with it
     * ({@link TrainingSession#saveTrainingState()}, null if none was saved).
     */
    default TrainingSession resume(TrainingSpec spec, PolicyCheckpoint checkpoint, String trainingState) {
        return open(spec, checkpoint);
    }
}
