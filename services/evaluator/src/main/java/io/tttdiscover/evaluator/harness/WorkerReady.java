package io.tttdiscover.evaluator.harness;

/** The first line a harness worker prints once it has imported its stack and can take requests. */
public record WorkerReady(boolean ready, String device, HarnessResult.Hardware hardware, String maskSemantics,
                          Long pid) {
}
