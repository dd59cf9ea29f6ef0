package io.tttdiscover.protocol.spi;

import io.tttdiscover.protocol.event.TokenTrace;

/**
 * One completion of a prompt.
 *
 * @param program the extracted program; empty when the completion held none (the evaluator then scores it as a
 *                syntax error, so the policy is still told)
 */
public record Sample(String program, TokenTrace trace, long policyVersion) {
}
