package io.tttdiscover.llm.harmony;

/**
 * One message of a completion.
 *
 * @param channel    "analysis", "commentary", "final", or "" when the header named none
 * @param terminated whether the message ended with {@code <|end|>}, {@code <|return|>} or {@code <|call|>} (false:
 *                   the completion was cut off inside it)
 */
public record HarmonyMessage(String channel, String content, boolean terminated) {
}
