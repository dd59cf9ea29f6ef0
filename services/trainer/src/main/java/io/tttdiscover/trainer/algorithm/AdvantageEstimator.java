package io.tttdiscover.trainer.algorithm;

import java.util.Arrays;
import java.util.function.Function;

/** The advantage estimators a run can be configured with, by their configuration names. */
public enum AdvantageEstimator {
    ENTROPIC_ADAPTIVE("entropic-adaptive", Advantages::entropicAdaptive),
    ENTROPIC("entropic", Advantages::entropicFixed),
    MEAN("mean", Advantages::meanBaseline);

    private final String configName;
    private final Function<double[], GroupAdvantages> estimator;

    AdvantageEstimator(String configName, Function<double[], GroupAdvantages> estimator) {
        this.configName = configName;
        this.estimator = estimator;
    }

    public String configName() {
        return configName;
    }

    public GroupAdvantages compute(double[] rewards) {
        return estimator.apply(rewards);
    }

    public static AdvantageEstimator byName(String name) {
        return Arrays.stream(values()).filter(v -> v.configName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown advantage estimator '" + name
                        + "' (known: entropic-adaptive, entropic, mean)"));
    }
}
