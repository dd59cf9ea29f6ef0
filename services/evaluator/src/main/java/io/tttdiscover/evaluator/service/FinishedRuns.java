package io.tttdiscover.evaluator.service;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The runs this evaluator has heard are finished, each with how many of its candidates were cancelled here. */
@ApplicationScoped
public class FinishedRuns {
    private final Map<String, AtomicInteger> cancelled = new ConcurrentHashMap<>();

    /** False when the run was already known to be finished (the marker redelivered or re-read). */
    public boolean add(String runId) {
        return cancelled.putIfAbsent(runId, new AtomicInteger()) == null;
    }

    public boolean contains(String runId) {
        return cancelled.containsKey(runId);
    }

    /** Counts one more cancelled candidate of a finished run; the count so far. */
    public int countCancelled(String runId) {
        return cancelled.computeIfAbsent(runId, r -> new AtomicInteger()).incrementAndGet();
    }
}
