package io.tttdiscover.trainer.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /q/openapi describes every endpoint of the run API with its types; Swagger UI and the dashboard are served. */
@QuarkusTest
class ApiDescriptionTest {

    @Test
    void everyEndpointIsDescribedWithASummary() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract()
                .jsonPath();
        Map<String, Object> paths = api.getMap("paths");
        int endpoints = 0;
        for (Method m : RunResource.class.getDeclaredMethods()) {
            String verb = m.isAnnotationPresent(GET.class) ? "get" : m.isAnnotationPresent(POST.class) ? "post" : null;
            if (verb == null) {
                continue;
            }
            endpoints++;
            Path sub = m.getAnnotation(Path.class);
            String path = "/runs" + (sub == null ? "" : "/" + sub.value());
            assertTrue(paths.containsKey(path), "/q/openapi has " + path + " (" + paths.keySet() + ")");
            Map<String, Object> op = api.getMap("paths.'" + path + "'." + verb);
            assertNotNull(op, verb + " " + path + " is described");
            assertFalse(String.valueOf(op.get("summary")).isBlank(), verb + " " + path + " has a summary");
        }
        assertTrue(endpoints >= 11, "the run API's endpoints were found: " + endpoints);
    }

    @Test
    void requestAndResponseTypesAreDocumented() {
        JsonPath api = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract()
                .jsonPath();
        Map<String, Object> schemas = api.getMap("components.schemas");
        for (String type : List.of("RunRequest", "RunView", "RunConfig", "StepMetrics", "BestView", "BenchmarkStat",
                "ProgramView", "ArchiveNode", "StepProgress", "CheckpointView", "ApiError", "RescoreReport")) {
            assertTrue(schemas.containsKey(type), "schema " + type + " in " + schemas.keySet());
        }
        assertTrue(api.getMap("components.schemas.RunView.properties").containsKey("stepsDone"));
        assertTrue(api.getMap("components.schemas.StepMetrics.properties").containsKey("rewardMax"));
        String created = api.getString("paths.'/runs'.post.responses.'201'.content.'application/json'.schema.'$ref'");
        assertTrue(created.endsWith("/RunView"), "POST /runs answers a RunView: " + created);
        String body = api.getString("paths.'/runs'.post.requestBody.content.'application/json'.schema.'$ref'");
        assertTrue(body.endsWith("/RunRequest"), "POST /runs takes a RunRequest: " + body);
        String refused = api.getString("paths.'/runs'.post.responses.'400'.content.'application/json'.schema.'$ref'");
        assertTrue(refused.endsWith("/ApiError"), "a refused run is an ApiError: " + refused);
        String missing = api.getString("paths.'/runs/{id}/best'.get.responses.'404'.content.'application/json'.schema"
                + ".'$ref'");
        assertTrue(missing.endsWith("/ApiError"), "an unknown run is an ApiError: " + missing);
        String best = api.getString("paths.'/runs/{id}/best'.get.responses.'200'.content.'application/json'.schema"
                + ".'$ref'");
        assertTrue(best.endsWith("/BestView"), "GET /runs/{id}/best answers a BestView: " + best);
    }

    @Test
    void swaggerUiAndTheDashboardAreServed() {
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger"));
        given().get("/dashboard/").then().statusCode(200).body(containsString("dashboard.js"));
        given().get("/dashboard/dashboard.js").then().statusCode(200).body(containsString("EventSource"));
    }
}
