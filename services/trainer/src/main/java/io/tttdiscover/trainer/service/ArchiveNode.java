package io.tttdiscover.trainer.service;

/**
 * A program of a run and the state it grew from: one node of the run's archive tree. The run's start state is
 * {@code initial}; every other state's id is the candidate id that produced it.
 *
 * @param parentId  the state the candidate was sampled from
 * @param runtimeUs null when the candidate was not a correct, timed program
 */
public record ArchiveNode(String id, String parentId, int step, int group, String status, Double runtimeUs,
                          double reward) {
}
