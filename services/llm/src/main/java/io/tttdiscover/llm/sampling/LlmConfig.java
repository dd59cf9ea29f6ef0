package io.tttdiscover.llm.sampling;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.LocalDate;
import java.util.Optional;

/** The {@code discover.llm.*} keys: how a rollout is rendered and budgeted, whichever server samples it. */
@ConfigMapping(prefix = "discover.llm")
public interface LlmConfig {

    @WithDefault("26000")
    int phase1MaxTokens();

    @WithDefault("32768")
    int contextTokens();

    @WithDefault("high")
    String reasoningEffort();

    /** The system message's {@code Current date:} (YYYY-MM-DD); unset = the day of rendering, as the reference. */
    Optional<LocalDate> currentDate();

    default SamplingSettings sampling() {
        return new SamplingSettings(phase1MaxTokens(), contextTokens());
    }
}
