package io.tttdiscover.protocol.event;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * sampler -> evaluator, keyed by {@link #candidateId()} so one run's candidates spread over all partitions and all
 * evaluator replicas.
 *
 * @param maskSemantics copied from the prompt: how the evaluator applies the problem's mask; null in events from
 *                      before the field (the evaluator then applies its own default)
 * @param programBytes  set only when the program text was withheld (over its pack's {@code max_program_bytes}): its
 *                      size in UTF-8 bytes; {@code program} is then empty
 * @param programSha256 set only with {@code programBytes}: the withheld program's SHA-256, hex
 */
public record CandidateEvent(
        int schemaVersion,
        String candidateId,
        String promptId,
        String runId,
        int step,
        int group,
        int sample,
        String problemId,
        String parentStateId,
        long policyVersion,
        String backend,
        String program,
        TokenTrace trace,
        String target,
        MaskSemantics maskSemantics,
        long createdAtMs,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer programBytes,
        @JsonInclude(JsonInclude.Include.NON_NULL) String programSha256) implements Event {

    /** A candidate that carries its program text. */
    public CandidateEvent(int schemaVersion, String candidateId, String promptId, String runId, int step, int group,
                          int sample, String problemId, String parentStateId, long policyVersion, String backend,
                          String program, TokenTrace trace, String target, MaskSemantics maskSemantics,
                          long createdAtMs) {
        this(schemaVersion, candidateId, promptId, runId, step, group, sample, problemId, parentStateId,
                policyVersion, backend, program, trace, target, maskSemantics, createdAtMs, null, null);
    }

    @Override
    public String idempotencyKey() {
        return candidateId;
    }

    /** Whether the program text was left out (see {@link #withoutProgram()}). */
    public boolean programWithheld() {
        return programSha256 != null;
    }

    /** The program's size in UTF-8 bytes: as declared when withheld, else measured. */
    /** The id of the {@code sample}-th candidate of a prompt: every sampler names candidates this way. */
    public static String idOf(String promptId, int sample) {
        return promptId + "-" + sample;
    }

    public int programSize() {
        if (programWithheld()) {
            return programBytes == null ? 0 : programBytes;
        }
        return program == null ? 0 : program.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * This candidate with its program text replaced by the program's size and SHA-256: what travels on once a program
     * is over its pack's limit, so no later hop carries (or chokes on) a copy of it.
     */
    public CandidateEvent withoutProgram() {
        if (programWithheld()) {
            return this;
        }
        byte[] text = program == null ? new byte[0] : program.getBytes(StandardCharsets.UTF_8);
        return new CandidateEvent(schemaVersion, candidateId, promptId, runId, step, group, sample, problemId,
                parentStateId, policyVersion, backend, "", trace, target, maskSemantics, createdAtMs, text.length,
                sha256(text));
    }

    /** Lowercase hex SHA-256 of some bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
