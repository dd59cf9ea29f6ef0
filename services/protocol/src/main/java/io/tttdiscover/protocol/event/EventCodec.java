package io.tttdiscover.protocol.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;

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
        return promptFields(decode(json, PromptEvent.class));
    }

    /** As {@link #prompt(String)}, from a record's bytes (UTF-8). */
    public static PromptEvent prompt(byte[] json) {
        return promptFields(decode(json, PromptEvent.class));
    }

    private static PromptEvent promptFields(PromptEvent e) {
        require(e.promptId(), "promptId");
        require(e.problemId(), "problemId");
        if (e.samplesWanted() < 1) {
            throw new MalformedEventException("samplesWanted must be >= 1, was " + e.samplesWanted());
        }
        return e;
    }

    public static CandidateEvent candidate(String json) {
        return candidateFields(decode(json, CandidateEvent.class));
    }

    /** As {@link #candidate(String)}, from a record's bytes (UTF-8). */
    public static CandidateEvent candidate(byte[] json) {
        return candidateFields(decode(json, CandidateEvent.class));
    }

    private static CandidateEvent candidateFields(CandidateEvent e) {
        require(e.candidateId(), "candidateId");
        require(e.problemId(), "problemId");
        if (e.program() == null) {
            throw new MalformedEventException("candidate " + e.candidateId() + " has no program field");
        }
        return e;
    }

    public static RewardEvent reward(String json) {
        return rewardFields(decode(json, RewardEvent.class));
    }

    /** As {@link #reward(String)}, from a record's bytes (UTF-8). */
    public static RewardEvent reward(byte[] json) {
        return rewardFields(decode(json, RewardEvent.class));
    }

    private static RewardEvent rewardFields(RewardEvent e) {
        require(e.status(), "status");
        if (e.candidate() == null) {
            throw new MalformedEventException("reward carries no candidate");
        }
        require(e.candidate().candidateId(), "candidate.candidateId");
        return e;
    }

    public static CheckpointEvent checkpoint(String json) {
        return checkpointFields(decode(json, CheckpointEvent.class));
    }

    /** As {@link #checkpoint(String)}, from a record's bytes (UTF-8). */
    public static CheckpointEvent checkpoint(byte[] json) {
        return checkpointFields(decode(json, CheckpointEvent.class));
    }

    private static CheckpointEvent checkpointFields(CheckpointEvent e) {
        if (e.marksRunFinished()) {
            require(e.runId(), "runId");
            if (e.finished().isBlank() || e.weightsUri() != null || e.embeddedPolicy() != null) {
                throw new MalformedEventException("run-finished marker of " + e.runId()
                        + " must name a status and carry no policy");
            }
            return e;
        }
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
        return checked(read(() -> MAPPER.readValue(json, type), type), type);
    }

    /** Reads the record's bytes as they are: text that is not UTF-8 is malformed, not silently replaced. */
    private static <T extends Event> T decode(byte[] json, Class<T> type) {
        if (json == null || json.length == 0) {
            throw new MalformedEventException("empty " + type.getSimpleName());
        }
        return checked(read(() -> MAPPER.readValue(json, type), type), type);
    }

    private interface Reader<T> {
        T read() throws IOException;
    }

    private static <T> T read(Reader<T> reader, Class<T> type) {
        try {
            return reader.read();
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("not a valid " + type.getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new MalformedEventException("not a valid " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static <T extends Event> T checked(T event, Class<T> type) {
        if (event == null) {
            throw new MalformedEventException("empty " + type.getSimpleName());
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
