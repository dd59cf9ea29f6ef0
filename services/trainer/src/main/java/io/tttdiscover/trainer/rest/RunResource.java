package io.tttdiscover.trainer.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.tttdiscover.protocol.event.EventCodec;
import io.tttdiscover.protocol.event.StepMetrics;
import io.tttdiscover.protocol.pack.ProblemPack;
import io.tttdiscover.trainer.domain.RolloutEntity;
import io.tttdiscover.trainer.domain.Run;
import io.tttdiscover.trainer.service.Replay;
import io.tttdiscover.trainer.service.RunService;
import io.tttdiscover.trainer.service.RunStore;
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

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** The run API the CLI and the tests use; its errors are {@link ApiError}s (see {@link ErrorMappers}). */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    @Inject
    RunService runs;

    @Inject
    RunStore store;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(RunRequest request) {
        RunRequest body = request == null ? emptyRequest() : request;
        Replay replay = body.replay();
        Run run = replay == null ? runs.create(body.toConfig(), body.requestedMaskSemantics())
                : runs.createReplay(replay, shape -> body.toConfig(shape, runs.backendNames()),
                body.requestedMaskSemantics());
        return Response.created(URI.create("/runs/" + run.id)).entity(RunView.of(run)).build();
    }

    @GET
    public List<RunView> list() {
        return store.runs().stream().map(RunView::of).toList();
    }

    @GET
    @Path("{id}")
    public RunView get(@PathParam("id") String id) {
        return RunView.of(store.run(id).orElseThrow(() -> notFound(id)));
    }

    @GET
    @Path("{id}/steps")
    public List<StepMetrics> steps(@PathParam("id") String id) {
        store.run(id).orElseThrow(() -> notFound(id));
        return store.metrics(id);
    }

    @GET
    @Path("{id}/best")
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
                r.message);
    }

    /** The run's latest policy version: what {@code discover sample --run} samples from. */
    @GET
    @Path("{id}/checkpoint")
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

    private static RunRequest emptyRequest() {
        return new RunRequest(null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null);
    }

    private static NotFoundException notFound(String id) {
        return ApiError.notFound("no run " + id);
    }
}
