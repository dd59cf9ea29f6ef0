package io.tttdiscover.llm.tinker;

/** The server samples but does not return prompt logprobs (SkyRL's Tinker API), so base logprobs cannot come from it. */
final class PromptLogprobsUnsupportedException extends TinkerException {
    PromptLogprobsUnsupportedException(String message) {
        super("user", message, null);
    }
}
