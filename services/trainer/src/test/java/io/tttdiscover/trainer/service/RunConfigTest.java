package io.tttdiscover.trainer.service;

import io.tttdiscover.protocol.spi.AdamParams;
import io.tttdiscover.trainer.training.EmbeddedTrainingBackend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RunConfigTest {

    private static RunConfig run(String backend, Double learningRate) {
        return RunConfig.withDefaults("trimul", null, null, null, null, null, learningRate, null, null, backend, null,
                null, null, null);
    }

    @Test
    void theEmbeddedPolicyTrainsWithoutMomentumAnLlmWithThePapersAdam() {
        RunConfig embedded = run(null, null);
        assertEquals(EmbeddedTrainingBackend.NAME, embedded.trainingBackend());
        assertEquals(EmbeddedTrainingBackend.DEFAULT_LEARNING_RATE, embedded.learningRate());
        assertEquals(AdamParams.embedded(2.0), embedded.trainSettings().adam());
        assertEquals(0.0, embedded.trainSettings().adam().beta1());

        RunConfig tinker = run("tinker", null);
        assertEquals(RunConfig.LLM_LEARNING_RATE, tinker.learningRate());
        assertEquals(AdamParams.paper(4e-5), tinker.trainSettings().adam());
        assertEquals(0.9, tinker.trainSettings().adam().beta1());

        assertEquals(0.3, run(null, 0.3).trainSettings().adam().learningRate(), "a run's own rate is kept");
    }

    @Test
    void theEmbeddedPolicyRunsOneGroupAStepAnLlmTheSameRolloutsInTwo() {
        RunConfig embedded = run(null, null);
        assertEquals(1, embedded.groupsPerBatch());
        assertEquals(8, embedded.groupSize());
        assertEquals(16, embedded.steps());

        RunConfig tinker = run("tinker", null);
        assertEquals(2, tinker.groupsPerBatch());
        assertEquals(8, tinker.groupSize());
        assertEquals(8, tinker.steps());
        assertEquals(embedded.steps() * embedded.groupsPerBatch() * embedded.groupSize(),
                tinker.steps() * tinker.groupsPerBatch() * tinker.groupSize(), "a default run evaluates 128 either way");

        RunConfig shaped = RunConfig.withDefaults("trimul", 3, 4, 5, null, null, null, null, null, null, null, null,
                null, null);
        assertEquals(List.of(3, 4, 5), List.of(shaped.steps(), shaped.groupsPerBatch(), shaped.groupSize()),
                "a run's own shape is kept");
    }
}
