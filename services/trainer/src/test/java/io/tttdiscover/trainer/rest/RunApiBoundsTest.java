package io.tttdiscover.trainer.rest;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.tttdiscover.protocol.event.MaskSemantics;
import io.tttdiscover.trainer.domain.Run;
import io.tttdiscover.trainer.service.RunConfig;
import io.tttdiscover.trainer.service.RunStore;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** POST /runs refuses what the server cannot afford or read, and every error of the API has a JSON reason. */
@QuarkusTest
class RunApiBoundsTest {

    @Inject
    RunStore store;

    @Test
    void aHugeGroupSizeIsRejectedNamingTheFieldTheValueAndTheLimit() {
        post("{\"problemId\":\"toy\",\"groupSize\":20000}").statusCode(400)
                .body("field", equalTo("groupSize"))
                .body("error", equalTo("groupSize 20000 is above the limit 64 (discover.trainer.limits.group-size)"));
    }

    @Test
    void aHugeGroupsPerBatchIsRejected() {
        post("{\"problemId\":\"toy\",\"groupsPerBatch\":2147483647}").statusCode(400)
                .body("field", equalTo("groupsPerBatch"))
                .body("error", equalTo("groupsPerBatch 2147483647 is above the limit 64 "
                        + "(discover.trainer.limits.groups-per-batch)"));
    }

    @Test
    void tooManyRolloutsInAllAreRejectedThoughEachSettingIsWithinItsLimit() {
        post("{\"problemId\":\"toy\",\"steps\":1000,\"groupsPerBatch\":32,\"groupSize\":64}").statusCode(400)
                .body("field", equalTo("totalRollouts"))
                .body("error", equalTo("steps x groupsPerBatch x groupSize = 1000 x 32 x 64 = 2048000 rollouts is "
                        + "above the limit 1000000 (discover.trainer.limits.total-rollouts)"));
    }

    @Test
    void aLearningRateMustBeAFinitePositiveNumber() {
        for (String lr : new String[]{"\"NaN\"", "-0.1", "0", "1e999"}) {
            post("{\"problemId\":\"toy\",\"learningRate\":" + lr + "}").statusCode(400)
                    .body("field", equalTo("learningRate"))
                    .body("error", startsWith("learningRate must be a finite number > 0, was "));
        }
        post("{\"problemId\":\"toy\",\"klCoef\":\"Infinity\"}").statusCode(400).body("field", equalTo("klCoef"));
    }

    @Test
    void aProblemIdMustBeASafeId() {
        for (String id : new String[]{"../toy", "Toy", "/etc", "toy/../toy", "x".repeat(65)}) {
            post("{\"problemId\":\"" + id + "\"}").statusCode(400)
                    .body("field", equalTo("problemId"))
                    .body("error", allOf(containsString("is not a problem id"), not(containsString("/resources"))));
        }
    }

    @Test
    void anUnknownProblemIsNamedWithTheKnownOnesAndNoServerPath() {
        post("{\"problemId\":\"nope\"}").statusCode(400)
                .body("field", equalTo("problemId"))
                .body("error", equalTo("no problem 'nope' (known: toy)"));
    }

    @Test
    void otherSettingsAreCheckedAgainstTheirAllowedValues() {
        post("{\"problemId\":\"toy\",\"target\":\"gpu\"}").statusCode(400).body("field", equalTo("target"));
        post("{\"problemId\":\"toy\",\"advantage\":\"max\"}").statusCode(400).body("field", equalTo("advantage"));
        post("{\"problemId\":\"toy\",\"trainingBackend\":\"nope\"}").statusCode(400)
                .body("field", equalTo("trainingBackend")).body("error", startsWith("no training backend 'nope'"));
        post("{\"problemId\":\"toy\",\"groupDeadlineSeconds\":100000000}").statusCode(400)
                .body("field", equalTo("groupDeadlineSeconds"));
        post("{\"problemId\":\"toy\",\"loraRank\":100000}").statusCode(400).body("field", equalTo("loraRank"));
        post("{\"problemId\":\"toy\",\"steps\":0}").statusCode(400)
                .body("field", equalTo("steps")).body("error", equalTo("steps 0 is below the minimum 1"));
        post("{\"problemId\":\"toy\",\"warmStart\":\"http://example.com/x\"}").statusCode(400)
                .body("field", equalTo("warmStart"));
        post("{\"problemId\":\"toy\",\"baseModel\":\"a b\"}").statusCode(400).body("field", equalTo("baseModel"));
    }

    @Test
    void malformedJsonIsABadRequestWithAShortReason() {
        post("{\"problemId\":\"toy\",\"steps\":1").statusCode(400)
                .body("error", equalTo("the body is not valid JSON at line 1, column 29: Unexpected end-of-input: "
                        + "expected close marker for Object"));
        post("{\"problemId\":\"toy\",").statusCode(400)
                .body("error", allOf(startsWith("the body is not valid JSON at line 1"), not(containsString("Exception")),
                        not(containsString("Source")), not(containsString("\tat "))));
        post("{\"problemId\":\"toy\",\"groupSize\":\"many\"}").statusCode(400)
                .body("field", equalTo("groupSize")).body("error", equalTo("groupSize must be a 32-bit integer"));
        post("{\"problemId\":\"toy\",\"groupSize\":99999999999}").statusCode(400)
                .body("field", equalTo("groupSize"))
                .body("error", equalTo("groupSize is out of range for a 32-bit integer"));
        post("[1,2]").statusCode(400).body("error", equalTo("the body must be a JSON object of run settings"));
    }

    @Test
    void anUnknownRunIsA404WithAReason() {
        given().get("/runs/run-xyz").then().statusCode(404).contentType(ContentType.JSON)
                .body("error", equalTo("no run run-xyz"));
        given().get("/runs/run-xyz/steps").then().statusCode(404).body("error", equalTo("no run run-xyz"));
        given().get("/runs/run-xyz/best").then().statusCode(404).body("error", equalTo("no run run-xyz"));
        given().post("/runs/run-xyz/stop").then().statusCode(404).body("error", equalTo("no run run-xyz"));
    }

    @Test
    void anUnknownPathOrMethodIsAnsweredInJson() {
        given().get("/runs/run-xyz/nothing").then().statusCode(404).contentType(ContentType.JSON)
                .body("error", equalTo("no resource GET /runs/run-xyz/nothing"));
        given().delete("/runs").then().statusCode(405).contentType(ContentType.JSON)
                .body("error", equalTo("method DELETE is not allowed on /runs"));
        given().get("/nothing").then().statusCode(404).body("error", equalTo("no resource GET /nothing"));
        given().contentType(ContentType.TEXT).body("steps=1").post("/runs").then().statusCode(415)
                .contentType(ContentType.JSON).body("error", startsWith("unsupported content type for POST /runs"));
    }

    @Test
    void anUnexpectedFailureIsA500WhoseDetailsStayInTheLog() {
        RunConfig config = RunConfig.withDefaults("toy", 1, 1, 1, null, null, null, null, null, null, null, null, null,
                null);
        String id = "run-broken-" + System.nanoTime();
        store.create(id, config, MaskSemantics.AS_SPECIFIED);
        try {
            store.update(id, r -> r.config = "{not json");
            given().get("/runs/" + id).then().statusCode(500).contentType(ContentType.JSON)
                    .body("error", equalTo("internal error (see the trainer's log)"));
        } finally {
            QuarkusTransaction.requiringNew().run(() -> Run.deleteById(id));
        }
    }

    @Test
    void aRejectedRequestCreatesNoRun() {
        int before = runCount();
        post("{\"problemId\":\"toy\",\"groupSize\":20000}").statusCode(400);
        post("{\"problemId\":\"toy\",\"steps\":1000,\"groupsPerBatch\":32,\"groupSize\":64}").statusCode(400);
        post("{\"problemId\":\"toy\",\"learningRate\":\"NaN\"}").statusCode(400);
        post("{\"problemId\":\"nope\"}").statusCode(400);
        post("{\"problemId\":\"toy\",\"trainingBackend\":\"nope\"}").statusCode(400);
        post("{\"problemId\":\"toy\",\"maskSemantics\":\"all-zeros\"}").statusCode(400);
        post("{\"problemId\":").statusCode(400);
        assertEquals(before, runCount());
    }

    private static ValidatableResponse post(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/runs").then().contentType(ContentType.JSON);
    }

    private static int runCount() {
        return given().get("/runs").then().statusCode(200).extract().jsonPath().getList("$").size();
    }
}
