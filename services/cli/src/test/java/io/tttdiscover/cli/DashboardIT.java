package io.tttdiscover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tttdiscover.cli.local.LocalStack;
import io.tttdiscover.cli.run.RunOutcome;
import io.tttdiscover.protocol.api.RunRequest;
import io.tttdiscover.cli.run.RunWatcher;
import io.tttdiscover.cli.trainer.TrainerClient;
import io.tttdiscover.protocol.event.EventCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The trainer's dashboard in a real browser (Debian's headless chromium through its chromedriver) while a short run
 * of the whole local stack goes on: the run appears and its charts grow without a reload (server-sent events), and
 * once it is done the charts show every step, the archive tree holds every stored program under the state it grew
 * from, and a program's diff to its parent renders both programs line for line. Also checks that every service's
 * {@code /q/metrics} lists the product's series during the run, and leaves a screenshot of the finished run in
 * {@code target/dashboard.png} (the README's picture).
 *
 * <p>Without chromium the test fails with what to install, except for a non-root user, who cannot install it: then
 * it is skipped with that message ({@code DISCOVER_REQUIRE_BROWSER=1}, which CI sets, makes it fail there too).
 */
@ExtendWith(ItStack.Shared.class)
class DashboardIT {
    private static final int STEPS = 2;
    private static final int GROUPS = 2;
    private static final int GROUP_SIZE = 4;
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofMinutes(4);
    private static final HttpClient HTTP = ServiceHttp.client(Duration.ofSeconds(5));

    @Test
    void theDashboardShowsARunLiveAndItsArchiveAndDiffs(LocalStack stack) throws Exception {
        requireBrowser();
        Path repo = ItStack.REPO;
        String trainerUrl = stack.service("trainer").url();
        WebDriver browser = browser();
        try {
            browser.get(trainerUrl + "/dashboard/");
            await(browser, "the dashboard's live connection", b -> text(b, "live").contains("live"));

            RunWatcher watcher = new RunWatcher(new TrainerClient(trainerUrl), stack.bootstrapServers(),
                    stack.processes(), System.out);
            CompletableFuture<RunOutcome> running = CompletableFuture.supplyAsync(() -> watcher.createAndWatch(
                    RunRequest.live("trimul", STEPS, GROUPS, GROUP_SIZE, "cpu", 11, null), Duration.ofMinutes(10)));
            // The new run shows up in the list without a reload (after the runs of other tests on the stack).
            WebElement link = await(browser, "the run in the list", b -> watcher.createdRunId() == null ? null
                    : b.findElements(By.cssSelector("#runs a[data-run='" + watcher.createdRunId() + "']"))
                    .stream().findFirst().orElse(null));
            String runId = link.getAttribute("data-run");
            link.click();
            // Step 0 alone (max and mean): drawn while step 1 runs, from the server's updates.
            await(browser, "step 0 alone in the reward chart while the run goes on",
                    b -> points(b, "reward") == 2);
            metricsListed(stack, runId, repo.resolve("services/cli/target"));

            RunOutcome run = running.get(10, TimeUnit.MINUTES);
            assertEquals("COMPLETED", run.status(), "run ended " + run.status() + ": " + run.message());
            await(browser, "the run's status COMPLETED", b -> text(b, "run-status").equals("COMPLETED"));
            await(browser, "every step in the charts", b -> points(b, "reward") == 2 * STEPS);
            for (String chart : List.of("best", "mixed", "beta", "kl")) {
                assertEquals(STEPS, points(browser, chart), chart + " chart: one point per step");
            }
            assertEquals(List.of("0", "1"), browser.findElements(By.cssSelector(
                    "#chart-kl circle.point")).stream().map(e -> e.getAttribute("data-step")).toList());

            JsonNode archive = get(trainerUrl + "/runs/" + runId + "/archive");
            assertEquals(STEPS * GROUPS * GROUP_SIZE, archive.size(), "every candidate of the run is stored");
            await(browser, "the archive tree", b -> b.findElements(By.cssSelector("#tree a[data-node]")).size()
                    == archive.size());
            treeFollowsParents(browser, archive);

            // Preferably a program that grew from an earlier program (PUCT may start step 1 from the start
            // state again); otherwise the diff is against the problem's start program.
            JsonNode grown = archive.get(0);
            for (JsonNode n : archive) {
                if (!"initial".equals(n.path("parentId").asText())) {
                    grown = n;
                    break;
                }
            }
            String id = grown.path("id").asText();
            browser.findElement(By.cssSelector("#tree a[data-node='" + id + "']")).click();
            await(browser, "the diff of " + id, b -> id.equals(b.findElement(By.id("diff"))
                    .getAttribute("data-candidate")));
            diffRebuildsBothPrograms(browser, get(trainerUrl + "/runs/" + runId + "/programs/" + id));

            JsonNode best = get(trainerUrl + "/runs/" + runId + "/best");
            assertEquals(best.path("program").asText(), browser.findElement(By.id("best-program"))
                    .getAttribute("textContent"), "the best program as shown");
            assertTrue(browser.findElements(By.cssSelector("#benchmarks tr")).size() > 1,
                    "the best program's per-benchmark figures");
            browser.findElement(By.id("copy-best")).click();
            await(browser, "the copy button's answer", b -> text(b, "copied").startsWith("copied "));

            browser.get(trainerUrl + "/dashboard/#run=" + runId + "&program=" + id);
            await(browser, "the finished run, reloaded", b -> points(b, "reward") == 2 * STEPS
                    && b.findElement(By.id("program-panel")).isDisplayed());
            // Tall enough for the charts, the tree, the best program and the diff in one picture.
            browser.manage().window().setSize(new Dimension(1400, 1900));
            ((JavascriptExecutor) browser).executeScript("window.scrollTo(0, 0)");
            Path shot = repo.resolve("services/cli/target/dashboard.png");
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            System.out.println("dashboard screenshot: " + shot);
        } finally {
            browser.quit();
        }
    }

    /** A child's link is inside its parent's list item; a program of the start state is under the root. */
    private static void treeFollowsParents(WebDriver browser, JsonNode archive) {
        for (JsonNode n : archive) {
            String id = n.path("id").asText();
            String parent = n.path("parentId").asText();
            WebElement item = browser.findElement(By.cssSelector("#tree a[data-node='" + id + "']"))
                    .findElement(By.xpath("./.."));
            WebElement above = item.findElement(By.xpath("./../.."));
            String shown = above.getAttribute("data-root") != null ? above.getAttribute("data-root")
                    : above.findElement(By.xpath("./a")).getAttribute("data-node");
            assertEquals(parent, shown, "tree parent of " + id);
        }
    }

    /** The diff's "=" and "+" lines are the program, its "=" and "-" lines the parent's program. */
    private static void diffRebuildsBothPrograms(WebDriver browser, JsonNode program) {
        List<String> now = new ArrayList<>();
        List<String> before = new ArrayList<>();
        List<WebElement> lines = browser.findElements(By.cssSelector("#diff > span"));
        assertFalse(lines.isEmpty(), "the diff has lines");
        for (WebElement line : lines) {
            String t = line.getAttribute("textContent");
            String body = t.substring(2);
            switch (t.charAt(0)) {
                case '=' -> {
                    now.add(body);
                    before.add(body);
                }
                case '+' -> now.add(body);
                case '-' -> before.add(body);
                default -> fail("diff line " + t);
            }
        }
        assertEquals(program.path("program").asText(), String.join("\n", now), "the program from its diff");
        assertEquals(program.path("parentProgram").asText(), String.join("\n", before),
                "the parent's program from the diff");
    }

    /** The product's series on every service's /q/metrics while the run goes on. */
    /** Also leaves each service's /q/metrics as it was then in {@code target/metrics-<service>.txt}. */
    private static void metricsListed(LocalStack stack, String runId, Path out) throws Exception {
        Map<String, List<String>> expected = Map.of(
                "trainer", List.of("discover_rewards_received_total{", "discover_step_duration_seconds_bucket",
                        "discover_step_phase_seconds_count{phase=\"collect\"", "discover_runs_active",
                        "kafka_consumer_fetch_manager_records_lag_max{client_id=\"kafka-consumer-rewards\""),
                "sampler", List.of("discover_candidates_sampled_total{", "discover_sampling_seconds_bucket",
                        "kafka_producer_"),
                "evaluator", List.of("discover_candidates_evaluated_total{", "discover_evaluation_seconds_bucket",
                        "discover_evaluator_workers_busy", "discover_evaluator_candidates_waiting",
                        "kafka_consumer_fetch_manager_records_lag_max{client_id=\"kafka-consumer-candidates\""));
        for (var e : expected.entrySet()) {
            String body = "";
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                body = getText(stack.service(e.getKey()).url() + "/q/metrics");
                String b = body;
                if (e.getValue().stream().allMatch(b::contains)) {
                    break;
                }
                Thread.sleep(1000);
            }
            Files.writeString(out.resolve("metrics-" + e.getKey() + ".txt"), body);
            for (String series : e.getValue()) {
                assertTrue(body.contains(series), e.getKey() + " /q/metrics lists " + series);
            }
        }
        long deadline = System.currentTimeMillis() + 120_000;
        String trainer = "";
        while (System.currentTimeMillis() < deadline
                && !(trainer = getText(stack.service("trainer").url() + "/q/metrics"))
                .contains("discover_run_reward_max{run=\"" + runId + "\"")) {
            Thread.sleep(1000);
        }
        for (String gauge : List.of("discover_run_reward_max", "discover_run_reward_mean",
                "discover_run_best_runtime_microseconds", "discover_run_steps")) {
            assertTrue(trainer.contains(gauge + "{run=\"" + runId + "\""), "trainer /q/metrics lists " + gauge);
        }
    }

    private static void requireBrowser() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        String missing = "the dashboard test needs Debian's chromium and chromedriver (" + CHROMIUM + ", "
                + CHROMEDRIVER + "): apt-get install chromium chromium-driver";
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root || "1".equals(System.getenv("DISCOVER_REQUIRE_BROWSER"))) {
            fail(missing);
        }
        assumeTrue(false, missing + " (skipped: not root, so it cannot be installed here)");
    }

    private static WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
        WebDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(1400, 1000));
        return driver;
    }

    private static <T> T await(WebDriver browser, String what, java.util.function.Function<WebDriver, T> until) {
        return new WebDriverWait(browser, WAIT).withMessage(what).ignoring(RuntimeException.class).until(b -> {
            T v = until.apply(b);
            return v instanceof Boolean ok ? (ok ? v : null) : v;
        });
    }

    private static String text(WebDriver b, String id) {
        return b.findElement(By.id(id)).getText();
    }

    private static int points(WebDriver b, String chart) {
        return b.findElements(By.cssSelector("#chart-" + chart + " circle.point")).size();
    }

    private static JsonNode get(String url) throws IOException, InterruptedException {
        return EventCodec.mapper().readTree(getText(url));
    }

    private static String getText(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return r.body();
    }
}
