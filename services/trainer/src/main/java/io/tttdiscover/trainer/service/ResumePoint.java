package io.tttdiscover.trainer.service;

import io.tttdiscover.trainer.algorithm.PuctArchive;

import java.util.List;

/**
 * Where a RUNNING run resumes after a trainer restart: the step in flight, the policy version its prompts sample
 * from, the archive and best score as the step began, the states its groups start from, how many of its prompts went
 * out, the candidates written off at a deadline, and the training session's own state.
 */
record ResumePoint(int step, long version, Double bestSoFarUs, PuctArchive.Snapshot archive, List<String> parents,
                   int published, int writtenOff, String trainingState) {
}
