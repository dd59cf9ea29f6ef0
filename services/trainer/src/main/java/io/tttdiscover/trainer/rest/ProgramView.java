package io.tttdiscover.trainer.rest;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One program of a run beside the program it grew from, for the dashboard's diff.
 *
 * @param parentId      the state it was sampled from ({@code initial}: the problem's start program)
 * @param parentProgram that state's program; null when it is not stored (a state of another run, or no start program)
 */
@Schema(description = "A program of a run and its parent's program")
public record ProgramView(String runId, String candidateId, int step, int group, String status, String message,
                          Double runtimeUs, double reward, String program, String parentId, String parentProgram,
                          String description) {
}
