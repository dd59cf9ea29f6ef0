package io.tttdiscover.trainer.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The body of every error the run API answers: a reason a person can act on, and the request field it is about
 * where there is one.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String field) {

    /** A 404 that keeps its reason: the mappers pass a response with an ApiError through as it is. */
    static NotFoundException notFound(String error) {
        return new NotFoundException(error, response(Response.Status.NOT_FOUND, error));
    }

    static Response response(Response.StatusType status, String error) {
        return response(status, error, null);
    }

    static Response response(Response.StatusType status, String error, String field) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ApiError(error, field)).build();
    }
}
