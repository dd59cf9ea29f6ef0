package io.tttdiscover.protocol.event;

/**
 * Which evaluator, on which hardware and software, produced a reward: needed to compare and replay.
 *
 * @param sandbox what the OS sandbox applied to the candidate, as the harness reported it, e.g. {@code
 *                net,mount,pid,read-only,uid 61000,no-new-privs}, with {@code refused: ...} for steps the host did not
 *                allow; null when no result carried it (a timeout, a static verdict) or from before this field
 */
public record EvaluatorInfo(
        String evaluatorVersion,
        String host,
        String worker,
        String device,
        String gpuName,
        String driver,
        String torch,
        String triton,
        String python,
        String maskSemantics,
        String sandbox) {
}
