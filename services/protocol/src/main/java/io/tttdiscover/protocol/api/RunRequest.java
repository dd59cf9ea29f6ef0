package io.tttdiscover.protocol.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.MaskSemantics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The body of the trainer's {@code POST /runs}, as the trainer reads it and the CLI writes it; every field is optional
 * (absent: the trainer's default, see its {@code RunConfig.withDefaults}).
 *
 * @param maskSemantics    "as-specified" or "official-all-ones"; absent: the problem pack's default (for a replay
 *                         run: the recorded candidates')
 * @param replayOf         re-train: a new run whose policy is trained on this recorded run's rewards, step by step, with
 *                         this request's training settings; its problem, target, steps, groups and group size are the
 *                         recorded run's
 * @param rescoreOf        re-score: this recorded run's candidates evaluated again by the evaluators deployed now
 * @param replayFromOffset with replayOf or rescoreOf: start at this offset of the recorded run's rewards partition
 * @param replayFromTime   with replayOf or rescoreOf: start at the first reward recorded at or after this time (epoch
 *                         ms)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRequest(
        String problemId,
        Integer steps,
        Integer groupsPerBatch,
        Integer groupSize,
        String target,
        Long seed,
        Double learningRate,
        Double klCoef,
        String advantage,
        String trainingBackend,
        String warmStart,
        Integer groupDeadlineSeconds,
        String baseModel,
        Integer loraRank,
        String maskSemantics,
        String replayOf,
        String rescoreOf,
        Long replayFromOffset,
        Long replayFromTime) {

    /** Unknown field names fail here, before the request leaves. */
    private static final ObjectMapper STRICT = EventCodec.mapper().copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Nothing set: every setting the trainer's default. */
    public static RunRequest empty() {
        return new RunRequest(null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    /** A live run of a problem. @param maskSemantics null: the problem pack's default */
    public static RunRequest live(String problemId, int steps, int groupsPerBatch, int groupSize, String target,
                                  long seed, MaskSemantics maskSemantics) {
        return empty().with(Map.of("problemId", problemId, "steps", steps, "groupsPerBatch", groupsPerBatch,
                "groupSize", groupSize, "target", target, "seed", seed))
                .with(maskSemantics == null ? Map.of() : Map.of("maskSemantics", maskSemantics.wire()));
    }

    /**
     * This request with some fields set by their JSON names (e.g. the CLI's {@code --param key=value}).
     *
     * @throws IllegalArgumentException for a name POST /runs does not know or a value of the wrong type
     */
    public RunRequest with(Map<String, ?> fields) {
        Map<String, Object> merged = new LinkedHashMap<>(STRICT.convertValue(this,
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {
                }));
        merged.putAll(fields);
        return STRICT.convertValue(merged, RunRequest.class);
    }
}
