package io.tttdiscover.trainer.rest;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Adds the 404 every operation on one run answers ({@link ApiError}: no such run, or nothing of that kind yet) to
 * the OpenAPI description. Declared here rather than on each method: an {@code @APIResponse} on a method replaces the
 * success response generated from its return type.
 */
public class ApiErrorResponses implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.contains("{id}")) {
                item.getOperations().values().forEach(ApiErrorResponses::addNotFound);
            }
        });
    }

    private static void addNotFound(Operation op) {
        if (op.getResponses() == null || op.getResponses().hasAPIResponse("404")) {
            return;
        }
        APIResponse notFound = OASFactory.createAPIResponse()
                .description("No such run, or it has nothing of that kind yet")
                .content(OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref("ApiError"))));
        op.getResponses().addAPIResponse("404", notFound);
    }
}
