package io.tttdiscover.protocol.event;

/** Which evaluator, on which hardware and software, produced a reward: needed to compare and replay. */
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
        String maskSemantics) {
}
