package io.tttdiscover.llm.tinker;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The metrics of a forward_backward split into several requests, combined as the SDK combines them: each key names
 * its reduction after a colon ({@code loss:sum}); {@code :sum} adds, {@code :mean} is weighted by each request's
 * datum count, {@code :min}/{@code :max} take the extreme, {@code :slack} is max minus the weighted mean. A key with
 * another reduction, or missing from some request, is left out.
 */
final class SplitMetrics {
    private SplitMetrics() {
    }

    static Map<String, Double> reduce(List<JsonNode> metrics, List<Integer> datums) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (metrics.isEmpty()) {
            return out;
        }
        metrics.get(0).fieldNames().forEachRemaining(key -> {
            if (metrics.stream().allMatch(m -> m.has(key))) {
                Double value = reduce(key.substring(key.lastIndexOf(':') + 1), key, metrics, datums);
                if (value != null) {
                    out.put(key, value);
                }
            }
        });
        return out;
    }

    private static Double reduce(String reduction, String key, List<JsonNode> metrics, List<Integer> datums) {
        double sum = 0;
        double weighted = 0;
        double weights = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < metrics.size(); i++) {
            double v = metrics.get(i).get(key).asDouble();
            sum += v;
            weighted += v * datums.get(i);
            weights += datums.get(i);
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double mean = weights > 0 ? weighted / weights : sum / metrics.size();
        return switch (key.indexOf(':') < 0 ? "" : reduction) {
            case "sum" -> sum;
            case "mean" -> mean;
            case "min" -> min;
            case "max" -> max;
            case "slack" -> max - mean;
            default -> null;
        };
    }
}
