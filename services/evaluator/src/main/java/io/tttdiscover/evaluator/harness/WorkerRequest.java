package io.tttdiscover.evaluator.harness;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tttdiscover.protocol.event.MaskSemantics;

/**
 * One request line to a pack's harness worker (JSON, snake_case on the wire: {@code id}, {@code code},
 * {@code timeout_s}, {@code mask_semantics}). See problems/_harness/worker.py for the consuming side.
 *
 * @param timeoutS      the harness's own limit for the candidate, in seconds
 * @param maskSemantics the candidate's run's choice; null leaves the field out and the worker applies the one it was
 *                      started with
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WorkerRequest(String id, String code, double timeoutS, MaskSemantics maskSemantics) {

    /** The request as the one line the worker reads. */
    public String line() {
        return HarnessWorker.encode(this);
    }
}
