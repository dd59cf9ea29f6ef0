package io.tttdiscover.llm.tinker;

import io.tttdiscover.protocol.spi.PolicyCheckpoint;
import io.tttdiscover.protocol.spi.TrainingBackend;
import io.tttdiscover.protocol.spi.TrainingSession;
import io.tttdiscover.protocol.spi.TrainingSpec;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.net.URI;
import java.util.Optional;

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
    public TinkerTrainingBackend(
            @ConfigProperty(name = "discover.tinker.base-url") Optional<String> baseUrl,
            @ConfigProperty(name = "discover.tinker.api-key") Optional<String> apiKey,
            @ConfigProperty(name = "discover.tinker.base-model", defaultValue = "openai/gpt-oss-120b") String baseModel,
            @ConfigProperty(name = "discover.tinker.max-concurrency", defaultValue = "64") int maxConcurrency,
            @ConfigProperty(name = "discover.tinker.save-state-every", defaultValue = "1") int saveStateEvery) {
        this(TinkerSettings.defaults(
                        URI.create(TinkerSettings.configured(baseUrl, "TINKER_BASE_URL", TinkerSettings.HOSTED)),
                        TinkerSettings.configured(apiKey, "TINKER_API_KEY", null)),
                baseModel, saveStateEvery);
    }

    public TinkerTrainingBackend(TinkerSettings settings, String defaultBaseModel, int saveStateEvery) {
        this.client = new TinkerClient(settings, new JsonTinkerCodec());
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
