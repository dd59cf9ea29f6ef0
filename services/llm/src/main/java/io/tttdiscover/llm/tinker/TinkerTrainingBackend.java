package io.tttdiscover.llm.tinker;

import io.tttdiscover.protocol.spi.PolicyCheckpoint;
import io.tttdiscover.protocol.spi.TrainingBackend;
import io.tttdiscover.protocol.spi.TrainingSession;
import io.tttdiscover.protocol.spi.TrainingSpec;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Trains LoRA adapters on Tinker (hosted, or a self-hosted Tinker-compatible server such as SkyRL's or TuFT): one
 * model per run inside one service session.
 */
@ApplicationScoped
public class TinkerTrainingBackend implements TrainingBackend {
    private final TinkerClient client;
    private final String defaultBaseModel;
    private final int saveStateEvery;

    @Inject
    public TinkerTrainingBackend(TinkerConfig config) {
        this(config.settings(), config.baseModel(), config.saveStateEvery());
    }

    public TinkerTrainingBackend(TinkerSettings settings, String defaultBaseModel, int saveStateEvery) {
        this.client = new TinkerClient(settings);
        this.defaultBaseModel = defaultBaseModel;
        this.saveStateEvery = saveStateEvery;
    }

    @Override
    public String name() {
        return "tinker";
    }

    @Override
    public TrainingSession open(TrainingSpec spec, PolicyCheckpoint resumeFrom) {
        String baseModel = spec.baseModel() == null || spec.baseModel().isBlank() ? defaultBaseModel : spec.baseModel();
        return TinkerTrainingSession.open(client, spec, baseModel, resumeFrom, saveStateEvery);
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
