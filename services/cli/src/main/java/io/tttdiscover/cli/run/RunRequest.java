package io.tttdiscover.cli.run;

import io.tttdiscover.protocol.event.MaskSemantics;

import java.util.LinkedHashMap;
import java.util.Map;

/** The body of the trainer's POST /runs, with the fields a local run sets; the trainer defaults the rest. */
public final class RunRequest {
    private RunRequest() {
    }

    /** @param maskSemantics null: the problem pack's default */
    public static Map<String, Object> of(String problemId, int steps, int groupsPerBatch, int groupSize,
                                         String target, long seed, MaskSemantics maskSemantics) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("problemId", problemId);
        r.put("steps", steps);
        r.put("groupsPerBatch", groupsPerBatch);
        r.put("groupSize", groupSize);
        r.put("target", target);
        r.put("seed", seed);
        if (maskSemantics != null) {
            r.put("maskSemantics", maskSemantics.wire());
        }
        return r;
    }
}
