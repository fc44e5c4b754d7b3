package dev.lanes.scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.lanes.demo.runner.ConsoleProcess;
import dev.lanes.demo.runner.DemoLine;
import dev.lanes.demo.runner.InstanceSpec;
import dev.lanes.demo.runner.Registry;
import dev.lanes.demo.runner.ServiceProcess;
import dev.lanes.demo.runner.Topology;
import dev.lanes.demo.runner.bench.ConstantLoad;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live traffic console in a real browser: Debian's chromium, headless, through chromedriver,
 * against a running chain (Spring Boot 3.3, ZooKeeper as registry and rule source, the agent on
 * every JVM with its admin endpoint on a free port) with traffic flowing. The console finds the
 * agents through the rule source, as a user starts it; the test asserts what the page shows:
 * the services and the edge between them, the base share, an instance ejected after it answered
 * 500s, and the gray share after a rule change pushed live.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {

    private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Paths.get("/usr/bin/chromedriver");
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String EDGE = "service-a->service-b";

    private Topology topology;
    private Path work;
    private String source;
    private ConsoleProcess console;
    private WebDriver browser;

    @RegisterExtension
    final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            System.err.println("[scenarios] ConsoleBrowserIT failed; logs of every process follow");
            if (topology != null) {
                topology.dumpLogs();
            }
            try {
                System.err.println("---- console ----\n" + Files.readString(work.resolve("console.log")));
            } catch (IOException | RuntimeException ignored) {
                // It did not start.
            }
        }
    };

    @BeforeAll
    void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), () -> "ConsoleBrowserIT "
                + "skipped: no chromium at " + CHROMIUM + " or chromedriver at " + CHROMEDRIVER
                + " (apt-get install chromium chromium-driver; .ci/run does)");
        Jdk jdk = Jdk.find(17);
        assumeTrue(jdk != null, () -> "ConsoleBrowserIT skipped: no JDK 17 found at " + Jdk.lookedAt(17));
        work = Paths.get("target", "scenarios", "ConsoleBrowserIT").toAbsolutePath();
        Files.createDirectories(work);
        topology = Topology.builder().line(DemoLine.BOOT33).java(jdk.home()).agent(LaneScenarios.agentJar(), null)
                .registry(Registry.Kind.ZOOKEEPER).workDir(work).start();
        source = "zookeeper://" + topology.zooKeeper().connectString() + "/lanes/rules";
        push("version: console-1\n" + RULES);
        String[] agent = {"-Dlanes.rules=" + source, "-Dlanes.admin.port=0"};
        String cache = ServiceProcess.LB_CACHE + "=true";
        topology.startInstances(List.of(
                InstanceSpec.of("a-base").withJvmArgs(agent).withAppArgs(cache),
                InstanceSpec.of("b-base").withNext("").withJvmArgs(agent).withAppArgs(cache),
                new InstanceSpec("b2-base", "service-b", "", null, List.of(agent), List.of(cache)),
                InstanceSpec.of("b-gray").withNext("").withJvmArgs(agent).withAppArgs(cache)));
        // As a user starts it: java -jar lanes-agent.jar console --rules SOURCE.
        console = ConsoleProcess.start(topology.launch().java(), LaneScenarios.agentJar(), source, work, DEADLINE);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        browser = new ChromeDriver(options);
    }

    /** The lane, and outlier removal that leaves out one of two base instances of B. */
    private static final String RULES = "lanes:\n  - {name: gray, tag: gray}\n"
            + "outlier: {consecutiveErrors: 5, interval: 10s, baseEjection: 60s, maxEjectionPercent: 50, "
            + "panicThreshold: 30}\n";

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (console != null) {
            console.close();
        }
        if (topology != null) {
            topology.close();
        }
    }

    @Test
    void thePageShowsServicesTrafficByLaneAnEjectedInstanceAndTheGrayShareAfterARuleChange() throws Exception {
        ConstantLoad load = new ConstantLoad(topology.url("a-base") + "/chain", 40, 16).start();
        try {
            browser.get(console.url());
            WebDriverWait wait = new WebDriverWait(browser, DEADLINE, Duration.ofMillis(200));

            // The services as nodes, every agent answering, and the rules in force.
            wait.until(d -> !d.findElements(By.cssSelector("svg [data-node='service-a']")).isEmpty()
                    && !d.findElements(By.cssSelector("svg [data-node='service-b']")).isEmpty());
            wait.until(d -> d.findElements(By.cssSelector("#agents tr[data-reachable='true']")).size() == 4);
            wait.until(d -> !d.findElements(By.cssSelector("#rules [data-rules-version='console-1']")).isEmpty());

            // The edge A -> B, all of it in the base lane while no rule dyes traffic.
            wait.until(d -> !d.findElements(By.cssSelector("svg [data-edge='" + EDGE + "']")).isEmpty());
            wait.until(d -> !d.findElements(By.cssSelector(
                    "#edges tr[data-edge='" + EDGE + "'][data-lane='base'][data-share='100']")).isEmpty());
            // The first rates may hold the load catching up after a slow start: wait for the steady rate.
            wait.withMessage("about 40 requests/s from A to B in the table").until(d -> steady(d,
                    "#edges tr[data-edge='" + EDGE + "'][data-lane='base']"));
            // In the graph: one stroke, the base lane's, at 100 % and A's rate; no gray stroke.
            String strokes = "svg [data-edge='" + EDGE + "'] path.lane-stroke";
            wait.withMessage("the base stroke at 100 % and about 40 requests/s").until(d -> steady(d,
                    strokes + "[data-lane='base'][data-share='100']"));
            assertEquals(1, browser.findElements(By.cssSelector(strokes)).size(), "one stroke at 100 % base");
            String instances = "#instances tr[data-service='service-b']";
            wait.until(d -> d.findElements(By.cssSelector(instances)).size() == 3);

            // B's first base instance answers 500s: A ejects it, and the page says so.
            ServiceProcess b1 = topology.instance("b-base");
            get(b1.baseUrl() + "/fault?mode=error");
            String ejected = instances + "[data-instance$=':" + b1.port() + "'][data-state='ejected']";
            wait.until(d -> !d.findElements(By.cssSelector(ejected)).isEmpty());
            assertEquals(1, browser.findElements(By.cssSelector(instances + "[data-state='ejected']")).size(),
                    "only the failing instance is ejected");
            assertEquals(1, browser.findElements(By.cssSelector(
                    "svg [data-instance$=':" + b1.port() + "'][data-state='ejected']")).size(), "in the graph too");
            get(b1.baseUrl() + "/fault?mode=none");

            // A rule pushed live dyes every request entering A gray: the edge turns gray.
            push("version: console-2\n" + RULES.replace("{name: gray, tag: gray}",
                    "{name: gray, tag: gray, entry: {percent: 100}}"));
            wait.until(d -> !d.findElements(By.cssSelector("#rules [data-rules-version='console-2']")).isEmpty());
            wait.until(d -> !d.findElements(By.cssSelector(
                    "#edges tr[data-edge='" + EDGE + "'][data-lane='gray'][data-share='100']")).isEmpty());
            assertEquals("100", browser.findElement(By.cssSelector(
                    "svg [data-edge='" + EDGE + "'] [data-lane='gray']")).getAttribute("data-share"));
            // The gray stroke carries it all; the base stroke is gone (no base requests in the last interval).
            wait.withMessage("the gray stroke at 100 % and about 40 requests/s").until(d -> steady(d,
                    strokes + "[data-lane='gray'][data-share='100']"));
            wait.withMessage("no base stroke at 100 % gray").until(d -> d.findElements(By.cssSelector(
                    strokes + "[data-lane='base']")).isEmpty());

            Path png = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(png, work.resolve("console.png"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            ConstantLoad.Result result = load.stop();
            ScenarioReport.line("ConsoleBrowserIT: " + result.sent() + " requests at 40/s, " + result.failed()
                    + " failed (B's instance answering 500s until it was ejected)");
        }
    }

    /** Whether the one element {@code css} selects shows A's load, 40 requests/s, give or take. */
    private static boolean steady(WebDriver d, String css) {
        List<org.openqa.selenium.WebElement> found = d.findElements(By.cssSelector(css));
        if (found.size() != 1) {
            return false;
        }
        double rps = Double.parseDouble(found.get(0).getAttribute("data-rps"));
        return rps > 10 && rps < 80;
    }

    /** Pushes the global rule document with the agent jar's own command line. */
    private void push(String rules) throws Exception {
        Path file = work.resolve("rules.yaml");
        Files.writeString(file, rules);
        Process p = new ProcessBuilder(topology.launch().java().toString(), "-jar",
                LaneScenarios.agentJar().toString(), "rules", "push", file.toString(), "--source", source, "--global")
                .redirectErrorStream(true).start();
        String out;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            out = String.join("\n", r.lines().toList());
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "rules push ended");
        assertEquals(0, p.exitValue(), out);
    }

    private static void get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), url + ": " + r.body());
    }
}
