package io.tttdiscover.protocol.spi;

import io.tttdiscover.protocol.event.PolicyParameters;

/** A policy the sampler can load: an LLM's weights path or the embedded policy's parameters. */
public record PolicyCheckpoint(long version, String weightsUri, PolicyParameters embeddedPolicy) {
}
