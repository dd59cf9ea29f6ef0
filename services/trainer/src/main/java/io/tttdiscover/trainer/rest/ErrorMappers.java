package io.tttdiscover.trainer.rest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.tttdiscover.trainer.service.RunConfig;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Every failure of the API becomes an {@link ApiError} body: a rejected setting, a body that is not the JSON asked
 * for, an unknown run or path, and, with its details only in the log, anything unexpected. No stack trace, class name
 * or server path reaches a client.
 */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);
    private static final String INTERNAL = "internal error (see the trainer's log)";
    private static final int MAX_REASON_CHARS = 200;
    private static final Pattern SOURCE_NOTE = Pattern.compile("(?s)\\s*\\(?(start marker at )?\\[Source:.*$");

    @ServerExceptionMapper
    public Response invalidSetting(RunConfig.InvalidSetting e) {
        return ApiError.response(Response.Status.BAD_REQUEST, e.getMessage(), e.field());
    }

    /** Registered for this type too, since the JSON extension maps it itself (without a body outside dev mode). */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, HttpServerRequest request) {
        if (e.getCause() instanceof JsonProcessingException json) {
            return badJson(json);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        if (status.getFamily() == Response.Status.Family.SERVER_ERROR) {
            LOG.errorf(e, "%s %s failed", request.method(), request.path());
        }
        if (e.getResponse().getEntity() instanceof ApiError) {
            return e.getResponse();
        }
        String reason = reason(e, status, request);
        return Response.fromResponse(e.getResponse()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(reason, null)).build();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, HttpServerRequest request) {
        LOG.errorf(e, "%s %s failed", request.method(), request.path());
        return ApiError.response(Response.Status.INTERNAL_SERVER_ERROR, INTERNAL);
    }

    private static Response badJson(JsonProcessingException e) {
        String field = e instanceof JsonMappingException m && !m.getPath().isEmpty()
                ? m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                : null;
        return ApiError.response(Response.Status.BAD_REQUEST, jsonReason(e, field), field);
    }

    /** A short reason in the request's terms: Jackson's own messages name Java classes. */
    private static String jsonReason(JsonProcessingException e, String field) {
        if (e instanceof StreamConstraintsException || e.getCause() instanceof StreamConstraintsException) {
            return "the body exceeds a limit of the JSON parser (a number, string or nesting too large)";
        }
        if (e instanceof JsonParseException) {
            return "the body is not valid JSON" + at(e.getLocation()) + ": " + shortened(e.getOriginalMessage());
        }
        Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType()
                : e.getCause() instanceof InputCoercionException c ? c.getTargetType() : null;
        if (field == null) {
            return "the body must be a JSON object of run settings";
        }
        return e.getCause() instanceof InputCoercionException ? field + " is out of range for " + kind(target)
                : field + " must be " + kind(target);
    }

    private static String kind(Class<?> type) {
        if (type == Integer.class || type == int.class) {
            return "a 32-bit integer";
        }
        if (type == Long.class || type == long.class) {
            return "a 64-bit integer";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        return "a value of the documented type";
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** The parser's message without its note on where the source is (a setting's name, not the request's). */
    private static String shortened(String message) {
        String m = SOURCE_NOTE.matcher(Objects.requireNonNullElse(message, "unreadable")).replaceAll("").strip();
        return m.length() <= MAX_REASON_CHARS ? m : m.substring(0, MAX_REASON_CHARS) + "...";
    }

    /** The reason of a failure the framework raised (its own messages speak of its internals). */
    private static String reason(WebApplicationException e, Response.StatusType status, HttpServerRequest request) {
        String where = request.method() + " " + request.path();
        if (e instanceof NotAllowedException) {
            return "method " + request.method() + " is not allowed on " + request.path();
        }
        return switch (status.getStatusCode()) {
            case 404 -> "no resource " + where;
            case 415 -> "unsupported content type for " + where + " (send application/json)";
            case 500 -> INTERNAL;
            default -> status.getReasonPhrase() + " (" + where + ")";
        };
    }
}
