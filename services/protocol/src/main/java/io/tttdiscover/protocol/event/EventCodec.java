package io.tttdiscover.protocol.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON for every event. Decoding checks the schema version and the fields a consumer cannot work without, so a
 * malformed record fails here with a reason (and goes to the dead-letter topic) instead of deep in a consumer.
 */
public final class EventCodec {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // Newer producers may add fields; older consumers ignore them.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private EventCodec() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String encode(Object event) {
        try {
            return MAPPER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + event.getClass().getSimpleName(), e);
        }
    }

    public static PromptEvent prompt(String json) {
        PromptEvent e = decode(json, PromptEvent.class);
        require(e.promptId(), "promptId");
        require(e.problemId(), "problemId");
        if (e.samplesWanted() < 1) {
            throw new MalformedEventException("samplesWanted must be >= 1, was " + e.samplesWanted());
        }
        return e;
    }

    public static CandidateEvent candidate(String json) {
        CandidateEvent e = decode(json, CandidateEvent.class);
        require(e.candidateId(), "candidateId");
        require(e.problemId(), "problemId");
        if (e.program() == null) {
            throw new MalformedEventException("candidate " + e.candidateId() + " has no program field");
        }
        return e;
    }

    public static RewardEvent reward(String json) {
        RewardEvent e = decode(json, RewardEvent.class);
        require(e.status(), "status");
        if (e.candidate() == null) {
            throw new MalformedEventException("reward carries no candidate");
        }
        require(e.candidate().candidateId(), "candidate.candidateId");
        return e;
    }

    public static CheckpointEvent checkpoint(String json) {
        CheckpointEvent e = decode(json, CheckpointEvent.class);
        if (e.weightsUri() == null && e.embeddedPolicy() == null) {
            throw new MalformedEventException("checkpoint " + e.runId() + "@" + e.policyVersion()
                    + " names neither weights nor embedded parameters");
        }
        return e;
    }

    private static <T extends Event> T decode(String json, Class<T> type) {
        if (json == null || json.isBlank()) {
            throw new MalformedEventException("empty " + type.getSimpleName());
        }
        T event;
        try {
            event = MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not a valid " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
        if (event.schemaVersion() < 1 || event.schemaVersion() > Event.CURRENT_SCHEMA) {
            throw new MalformedEventException(type.getSimpleName() + " schema version " + event.schemaVersion()
                    + " not supported (this build reads 1.." + Event.CURRENT_SCHEMA + ")");
        }
        require(event.runId(), "runId");
        return event;
    }

    private static void require(Object value, String field) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw new MalformedEventException("missing required field " + field);
        }
    }
}
