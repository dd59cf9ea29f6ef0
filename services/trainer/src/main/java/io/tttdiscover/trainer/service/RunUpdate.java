package io.tttdiscover.trainer.service;

/**
 * Something changed in a run (pushed to the dashboard over server-sent events, which then reads what it shows).
 *
 * @param kind {@code reward} (a reward of the step in flight was stored), {@code step} (a step was committed) or
 *             {@code status} (the run began or ended)
 */
public record RunUpdate(String runId, String kind, int step, long at) {
}
