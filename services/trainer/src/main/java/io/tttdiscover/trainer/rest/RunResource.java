package io.tttdiscover.trainer.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.smallrye.mutiny.Multi;
import io.tttdiscover.protocol.api.RunRequest;
import io.tttdiscover.protocol.api.StepProgress;
import io.tttdiscover.protocol.event.BenchmarkStat;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.trainer.domain.RolloutEntity;
import io.tttdiscover.trainer.domain.Run;
import io.tttdiscover.trainer.service.ArchiveNode;
import io.tttdiscover.trainer.service.Replay;
import io.tttdiscover.trainer.service.RunActivity;
import io.tttdiscover.trainer.service.RunService;
import io.tttdiscover.trainer.service.RunStore;
import io.tttdiscover.trainer.service.RunUpdate;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The run API the CLI, the dashboard and the tests use; its errors are {@link ApiError}s (see {@link ErrorMappers}).
 * Described at {@code /q/openapi} (with the 404s of {@link ApiErrorResponses}).
 */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "runs", description = "Training runs: create, follow, stop, and what they found")
public class RunResource {

    @Inject
    RunService runs;

    @Inject
    RunStore store;

    @Inject
    RunActivity activity;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create and start a run", description = "A live run, or a replay of a recorded one "
            + "(replayOf: re-train on its rewards; rescoreOf: evaluate its candidates again). Unset fields take the "
            + "trainer's defaults; a run beyond the trainer's limits is refused with the field named.")
    @APIResponse(responseCode = "201", description = "The run, created and started",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunView.class)))
    @APIResponse(responseCode = "400", description = "A field is invalid or over a limit",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiError.class)))
    public Response create(RunRequest request) {
        RunRequest body = request == null ? RunRequest.empty() : request;
        Replay replay = RunRequests.replay(body);
        Run run = replay == null ? runs.create(RunRequests.toConfig(body), RunRequests.maskSemantics(body))
                : runs.createReplay(replay, shape -> RunRequests.toConfig(body, shape, runs.backendNames()),
                RunRequests.maskSemantics(body));
        return Response.created(URI.create("/runs/" + run.id)).entity(RunView.of(run)).build();
    }

    @GET
    @Operation(summary = "Every run, newest first")
    public List<RunView> list() {
        return store.runs().stream().map(RunView::of).toList();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One run: status, configuration, steps done, best so far")
    public RunView get(@PathParam("id") String id) {
        return RunView.of(store.run(id).orElseThrow(() -> notFound(id)));
    }

    @GET
    @Path("{id}/steps")
    @Operation(summary = "The metrics of every finished step, in order")
    public List<StepMetrics> steps(@PathParam("id") String id) {
        store.run(id).orElseThrow(() -> notFound(id));
        return store.metrics(id);
    }

    @GET
    @Path("{id}/best")
    @Operation(summary = "The run's fastest correct program, with its per-benchmark timings")
    public BestView best(@PathParam("id") String id) {
        Run run = store.run(id).orElseThrow(() -> notFound(id));
        if (run.bestCandidateId == null) {
            throw ApiError.notFound("run " + id + " has no correct candidate yet");
        }
        RolloutEntity r = store.rollout(run.bestCandidateId)
                .orElseThrow(() -> ApiError.notFound("candidate " + run.bestCandidateId + " not stored"));
        List<Integer> choices = choices(r);
        Optional<ProblemPack> pack = runs.problem(run.problemId);
        return new BestView(id, r.candidateId, r.runtimeUs, r.reward, r.program, choices, describe(run, choices),
                pack.map(ProblemPack::scoreName).orElse(null), pack.map(ProblemPack::scoreUnit).orElse(null),
                r.message, benchmarks(r));
    }

    @GET
    @Path("{id}/progress")
    @Operation(summary = "The step in flight: candidates asked for, evaluated and failed so far, time elapsed")
    public StepProgress progress(@PathParam("id") String id) {
        Run run = store.run(id).orElseThrow(() -> notFound(id));
        return activity.progress(id).orElseThrow(() -> ApiError.notFound("run " + id + " has no step in flight ("
                + run.status + ")"));
    }

    @GET
    @Path("{id}/archive")
    @Operation(summary = "The run's archive as a tree: every evaluated program with the state it grew from")
    public List<ArchiveNode> archive(@PathParam("id") String id) {
        store.run(id).orElseThrow(() -> notFound(id));
        return store.archive(id);
    }

    @GET
    @Path("{id}/programs/{candidateId}")
    @Operation(summary = "One program of the run beside its parent's, for a diff")
    public ProgramView program(@PathParam("id") String id, @PathParam("candidateId") String candidateId) {
        Run run = store.run(id).orElseThrow(() -> notFound(id));
        RolloutEntity r = store.rollout(candidateId).filter(c -> c.runId.equals(id))
                .orElseThrow(() -> ApiError.notFound("run " + id + " has no candidate " + candidateId));
        String parentProgram = "initial".equals(r.parentStateId)
                ? runs.problem(run.problemId).map(ProblemPack::initialProgram).orElse(null)
                : r.parentStateId == null ? null : store.rollout(r.parentStateId).map(p -> p.program).orElse(null);
        return new ProgramView(id, r.candidateId, r.step, r.group, r.status, r.message, r.runtimeUs, r.reward,
                r.program, r.parentStateId, parentProgram, describe(run, choices(r)));
    }

    /**
     * Server-sent events: one per stored reward, finished step and run start or end, of every run. The first, of kind
     * {@code hello} and no run, is sent at once, so a client knows the stream is open before anything happens.
     */
    @GET
    @Path("updates")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Live updates of every run (server-sent events), as the dashboard follows them")
    public Multi<RunUpdate> updates() {
        return Multi.createBy().concatenating().streams(
                Multi.createFrom().item(new RunUpdate(null, "hello", -1, System.currentTimeMillis())),
                activity.updates());
    }

    /** The run's latest policy version: what {@code discover sample --run} samples from. */
    @GET
    @Path("{id}/checkpoint")
    @Operation(summary = "The run's latest policy version")
    public CheckpointView checkpoint(@PathParam("id") String id) {
        store.run(id).orElseThrow(() -> notFound(id));
        return store.latestCheckpoint(id)
                .map(c -> new CheckpointView(id, c.version, c.step, c.backend, c.weightsUri, c.createdAt))
                .orElseThrow(() -> ApiError.notFound("run " + id + " has no checkpoint yet"));
    }

    /**
     * A re-score run's comparison of recorded and new results (see
     * {@link io.tttdiscover.trainer.service.RescoreReport}): complete once the run is
     * COMPLETED, as far as it got once STOPPED.
     */
    @GET
    @Path("{id}/rescore")
    @Operation(summary = "A re-score run's comparison of recorded and new results")
    @APIResponse(responseCode = "200", description = "The re-score report",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = io.tttdiscover.trainer.service.RescoreReport.class)))
    public Response rescore(@PathParam("id") String id) {
        Run run = store.run(id).orElseThrow(() -> notFound(id));
        Replay replay = RunView.replay(run);
        if (replay == null || replay.kind() != Replay.Kind.RESCORE) {
            throw ApiError.notFound("run " + id + " is not a re-score run");
        }
        if (run.report == null) {
            throw ApiError.notFound("re-score run " + id + " has no report yet (" + run.status + ")");
        }
        return Response.ok(run.report, MediaType.APPLICATION_JSON).build();
    }

    @POST
    @Path("{id}/stop")
    @Operation(summary = "Stop a run; its queued candidates are cancelled everywhere. Stopping a finished run "
            + "changes nothing")
    public RunView stop(@PathParam("id") String id) {
        return RunView.of(runs.stop(id).orElseThrow(() -> notFound(id)));
    }

    private String describe(Run run, List<Integer> choices) {
        if (choices == null) {
            return null;
        }
        try {
            return runs.problem(run.problemId).filter(ProblemPack::hasProgramSpace)
                    .map(pack -> pack.programSpace().describe(choices)).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static List<BenchmarkStat> benchmarks(RolloutEntity r) {
        if (r.benchmarks == null) {
            return List.of();
        }
        try {
            return List.of(EventCodec.mapper().readValue(r.benchmarks, BenchmarkStat[].class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("candidate " + r.candidateId + " has unreadable benchmarks", e);
        }
    }

    private static List<Integer> choices(RolloutEntity r) {
        if (r.choices == null) {
            return null;
        }
        try {
            return EventCodec.mapper().readValue(r.choices, new TypeReference<List<Integer>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("candidate " + r.candidateId + " has unreadable choices", e);
        }
    }

    private static NotFoundException notFound(String id) {
        return ApiError.notFound("no run " + id);
    }
}
