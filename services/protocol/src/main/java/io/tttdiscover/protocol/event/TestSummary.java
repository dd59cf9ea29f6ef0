package io.tttdiscover.protocol.event;

public record TestSummary(int passed, int total) {
}
