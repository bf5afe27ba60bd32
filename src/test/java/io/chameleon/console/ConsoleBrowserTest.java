package io.chameleon.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.chameleon.support.Http.Response;
import io.chameleon.support.Pilots;
import io.chameleon.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
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

/**
 * The pilot console (SPEC §7) in a real headless Chromium against a real node: sign in, a request
 * arriving live, its detail (UOW, history, guardian explanation), approve with a reason, the
 * pending list and the metrics following, the kill switch for ADMIN only, and VIEWERs read-only.
 * Saves screenshots of the main screens to {@code target/screenshots/} (to {@code docs/screenshots/},
 * which the README shows, with {@code -Dscreenshots=docs/screenshots}).
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} (scripts/test installs them);
 * without them the test fails, it is never skipped. Nothing is downloaded: Selenium is given the
 * browser and the driver.
 */
@TestMethodOrder(OrderAnnotation.class)
class ConsoleBrowserTest {

  static final String CHROMIUM = "/usr/bin/chromium";
  static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  static final Duration WAIT = Duration.ofSeconds(15);
  static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

  @TempDir
  static Path dataDir;
  @TempDir
  static Path profileDir;
  static TestNode node;
  static Pilots p;
  static WebDriver driver;
  static String base;
  static Path screenshots;

  @BeforeAll
  static void setUp() throws IOException {
    if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
      fail("The console browser test needs " + CHROMIUM + " and " + CHROMEDRIVER
        + ": install the Debian packages `chromium chromium-driver` (scripts/test does it).");
    }
    // never let Selenium Manager look for (or download) a browser or a driver, nor send statistics
    System.setProperty("SE_AVOID_STATS", "true");
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER);
    // Selenium 4.27 ships CDP bindings up to v131 and warns about newer Chromium; the test uses no CDP
    SELENIUM_LOG.setLevel(Level.SEVERE);
    node = TestNode.start(dataDir);
    p = new Pilots(node);
    base = "http://127.0.0.1:" + node.http.port() + "/";
    // -Dscreenshots=docs/screenshots refreshes the README's pictures; a plain run keeps them in target/
    screenshots = Path.of(System.getProperty("basedir", ".")).resolve(System.getProperty("screenshots", "target/screenshots"));
    Files.createDirectories(screenshots);

    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-dev-shm-usage", "--window-size=1280,800", "--hide-scrollbars", "--lang=en-US",
      "--user-data-dir=" + profileDir.toAbsolutePath());
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(new File(CHROMEDRIVER))
      .usingAnyFreePort()
      .build();
    try {
      driver = new ChromeDriver(service, options);
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    // screenshots of a 1280×800 page: make the viewport (not the window) that size
    driver.get("about:blank");
    Number chromeHeight = (Number) ((JavascriptExecutor) driver).executeScript("return window.outerHeight - window.innerHeight;");
    driver.manage().window().setSize(new Dimension(1280, 800 + Math.max(0, chromeHeight.intValue())));
  }

  @AfterAll
  static void tearDown() {
    try {
      if (driver != null) {
        driver.quit();
      }
    } finally {
      if (node != null) {
        node.close();
      }
    }
  }

  /** Verifies sign-in, a request arriving live, its detail, approving it, and the list and metrics following. */
  @Test
  @Order(1)
  void operatorSeesARequestLiveAndApprovesIt() throws IOException {
    driver.get(base);
    clearSession();
    driver.get(base);
    waitVisible("token-input");
    WebElement signIn = byTestId("signin-button");
    assertFalse(signIn.isEnabled(), "sign-in is disabled until a token is typed");
    screenshot("sign-in");

    signIn(p.operator, "operator-1", "OPERATOR");
    assertFalse(driver.getCurrentUrl().contains(p.operator), "the token is never in the URL");
    assertFalse(byTestId("tab-killswitch").isDisplayed(), "an OPERATOR has no kill switch");
    assertFalse(byTestId("killswitch-panel").isDisplayed(), "an OPERATOR has no kill switch");
    long approvedBefore = metrics().getLong("approved_interventions");

    // an external request (any uow_id) arrives live
    String externalTitle = "Which vendor is ABC? " + Pilots.newId().substring(0, 8);
    Response created = node.http.post("/api/interventions", p.operator, new JsonObject()
      .put("uow_id", "order-4711").put("intervention_type", "clarification").put("title", externalTitle)
      .put("priority", "high").put("description", "The agent found two vendors named ABC.")
      .put("context", new JsonObject().put("source", "invoice-agent").put("candidates", new JsonArray().add("ABC Corp").add("ABC Ltd")))
      .encode());
    assertEquals(201, created.status(), created.body());
    String externalId = created.data().getString("request_id");
    WebElement externalRow = waitRow(externalId);
    assertTrue(externalRow.getText().contains(externalTitle), externalRow.getText());

    // a linked request: a UOW parked by an approval guardian (CRITERIA_GATE amount >= 1000)
    JsonObject policy = new JsonObject().put("approval_guardians", new JsonArray().add(Pilots.minAmount("finance-approval", 1000)));
    String uowId = p.register(Pilots.newId(), policy).getString("uow_id");
    assertEquals("PENDING_PILOT_APPROVAL", p.advance(uowId, "ACTIVE", new JsonObject().put("vendor", "ABC Corp"), 200).getString("outcome"));
    String linkedId = p.openRequests(uowId).get(0).getString("request_id");
    waitRow(linkedId);

    // the list is sorted like the API: high before normal
    List<String> order = driver.findElements(By.cssSelector("[data-testid=pending-row]")).stream()
      .map(r -> r.getAttribute("data-request-id")).toList();
    assertTrue(order.indexOf(externalId) < order.indexOf(linkedId), "priority high comes before normal: " + order);

    // the detail: the request, its UOW, the history and the guardian explanation
    waitRow(linkedId).click();
    waitText("detail-request-id", linkedId);
    waitText("uow-status", "PENDING_PILOT_APPROVAL");
    WebElement rules = waitVisible("rules-table");
    assertTrue(rules.getText().contains("amount") && rules.getText().contains("gte") && rules.getText().contains("1000"), rules.getText());
    assertTrue(driver.findElements(By.cssSelector("[data-testid=history-entry]")).size() >= 3, "the UOW's history is shown");
    settle();
    screenshot("pending-and-detail");

    // approve needs a reason
    WebElement approve = byTestId("action-approve");
    assertFalse(approve.isEnabled(), "approve is disabled until a reason is typed");
    byTestId("action-reason").sendKeys("amount checked with finance");
    wait(d -> byTestId("action-approve").isEnabled());
    byTestId("action-approve").click();
    waitText("detail-status", "APPROVED");
    wait("the approved request to leave the pending list",
      d -> d.findElements(By.cssSelector("[data-testid=pending-row][data-request-id='" + linkedId + "']")).isEmpty());
    assertEquals("ACTIVE", p.uow(uowId).getString("status"), "approving a resume request resumes the UOW");
    assertEquals(approvedBefore + 1, metrics().getLong("approved_interventions"));

    // the metrics follow live
    byTestId("tab-metrics").click();
    waitText("metric-approved", String.valueOf(approvedBefore + 1));
    wait(d -> ((JavascriptExecutor) d).executeScript(
      "return !!(window.Chart && Chart.getChart(document.getElementById('chart-type')))").equals(Boolean.TRUE));
    screenshot("metrics");

    // the external request: no registered UOW; a failed action shows the API's message
    byTestId("tab-interventions").click();
    waitRow(externalId).click();
    waitText("detail-request-id", externalId);
    waitVisible("uow-external");
    byTestId("action-claim").click();
    wait(d -> rowOf(externalId).getText().contains("operator-1"));
    Response stolen = node.http.post("/api/interventions/" + externalId + "/claim", node.token("operator-2", "OPERATOR"), "{}");
    assertEquals(409, stolen.status(), stolen.body());

    // the event feed has the approval
    byTestId("tab-events").click();
    wait("intervention_approved in the event feed",
      d -> !d.findElements(By.cssSelector("[data-testid=event-row][data-event-type=intervention_approved]")).isEmpty());
  }

  /** Verifies that a VIEWER sees the pending list and details, with no way to act. */
  @Test
  @Order(2)
  void viewerIsReadOnly() {
    Response created = node.http.post("/api/interventions", p.operator, new JsonObject()
      .put("uow_id", "job-17").put("intervention_type", "cancel").put("title", "Stale import job").put("priority", "low").encode());
    assertEquals(201, created.status(), created.body());
    String id = created.data().getString("request_id");
    signInFresh(p.viewer, "viewer-1", "VIEWER");
    waitRow(id).click();
    waitText("detail-request-id", id);
    waitVisible("read-only");
    assertTrue(driver.findElements(By.cssSelector("[data-testid=action-approve]")).isEmpty(), "no approve button for a VIEWER");
    assertFalse(byTestId("tab-killswitch").isDisplayed(), "no kill switch for a VIEWER");
  }

  /** Verifies the ADMIN kill switch: preview (changes nothing), halt, the halted list, release. */
  @Test
  @Order(3)
  void adminPreviewsHaltsAndReleases() throws IOException {
    String halted = Pilots.newId();
    p.active(halted, null);
    p.active(halted, null);
    String previewed = Pilots.newId();
    String first = p.active(previewed, null).getString("uow_id");
    p.active(previewed, null);
    p.active(previewed, null);

    signInFresh(p.admin, "admin-1", "ADMIN");
    byTestId("tab-killswitch").click();
    waitVisible("killswitch-panel");
    assertFalse(byTestId("killswitch-halt-button").isEnabled(), "halt needs a preview first");

    // halt one instance: preview, then halt
    byTestId("killswitch-instance").sendKeys(halted);
    byTestId("killswitch-reason").sendKeys("runaway agent");
    byTestId("killswitch-preview-button").click();
    waitText("killswitch-preview-count", "2");
    byTestId("killswitch-halt-button").click();
    waitVisible("killswitch-halted");
    wait(d -> !d.findElements(By.cssSelector("[data-testid=halted-instance][data-instance-id='" + halted + "']")).isEmpty());

    // preview another: what it would pause, and nothing changes
    WebElement instance = byTestId("killswitch-instance");
    instance.clear();
    instance.sendKeys(previewed);
    byTestId("killswitch-reason").sendKeys("suspicious spike in refunds");
    byTestId("killswitch-preview-button").click();
    waitText("killswitch-preview-count", "3");
    assertEquals(3, driver.findElements(By.cssSelector("[data-testid=killswitch-preview-uow]")).size());
    assertEquals("ACTIVE", p.uow(first).getString("status"), "a preview changes nothing");
    screenshot("kill-switch");

    // release the halted one
    WebElement card = driver.findElement(By.cssSelector("[data-testid=halted-instance][data-instance-id='" + halted + "']"));
    card.findElement(By.cssSelector("[data-testid=release-reason]")).sendKeys("agent fixed");
    card.findElement(By.cssSelector("[data-testid=release-button]")).click();
    wait(d -> d.findElements(By.cssSelector("[data-testid=halted-instance][data-instance-id='" + halted + "']")).isEmpty());
    assertTrue(node.http.get("/api/instances/halted", p.viewer).data().getJsonArray("instances").isEmpty());
  }

  // ---------------------------------------------------------------------------------------------

  private static JsonObject metrics() {
    Response r = node.http.get("/api/interventions/metrics", p.viewer);
    assertEquals(200, r.status(), r.body());
    return r.data();
  }

  private static void clearSession() {
    ((JavascriptExecutor) driver).executeScript("sessionStorage.clear();");
  }

  private static void signInFresh(String token, String pilot, String role) {
    driver.get(base);
    clearSession();
    driver.get(base);
    signIn(token, pilot, role);
  }

  private static void signIn(String token, String pilot, String role) {
    waitVisible("token-input").sendKeys(token);
    byTestId("signin-button").click();
    wait("the connection to be live", d -> "live".equals(byTestId("connection-state").getAttribute("data-state")));
    waitText("pilot-id", pilot);
    waitText("pilot-role", role);
  }

  private static WebElement byTestId(String id) {
    return driver.findElement(By.cssSelector("[data-testid='" + id + "']"));
  }

  private static WebElement rowOf(String requestId) {
    return driver.findElement(By.cssSelector("[data-testid=pending-row][data-request-id='" + requestId + "']"));
  }

  private static WebElement waitRow(String requestId) {
    return wait("request " + requestId + " in the pending list", d -> {
      List<WebElement> rows = d.findElements(By.cssSelector("[data-testid=pending-row][data-request-id='" + requestId + "']"));
      return rows.isEmpty() || !rows.get(0).isDisplayed() ? null : rows.get(0);
    });
  }

  private static WebElement waitVisible(String testId) {
    return wait("[data-testid=" + testId + "] to be visible", d -> {
      List<WebElement> found = d.findElements(By.cssSelector("[data-testid='" + testId + "']"));
      return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    });
  }

  private static void waitText(String testId, String text) {
    try {
      wait(d -> {
        List<WebElement> found = d.findElements(By.cssSelector("[data-testid='" + testId + "']"));
        return !found.isEmpty() && found.get(0).getText().trim().equals(text);
      });
    } catch (RuntimeException e) {
      List<WebElement> found = driver.findElements(By.cssSelector("[data-testid='" + testId + "']"));
      throw new AssertionError("[data-testid=" + testId + "] never showed \"" + text + "\"; it shows: "
        + (found.isEmpty() ? "(absent)" : "\"" + found.get(0).getText() + "\""), e);
    }
  }

  private static <T> T wait(Function<WebDriver, T> condition) {
    return wait("the page to get there", condition);
  }

  private static <T> T wait(String what, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, WAIT, Duration.ofMillis(50))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .withMessage(what)
        .until(condition);
    } catch (RuntimeException e) {
      saveFailure();
      throw e;
    }
  }

  /** Waits for the arrival highlight (a 1.5 s animation) to finish before a screenshot. */
  private static void settle() {
    wait("animations to finish", d -> (Boolean) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
      "return document.getAnimations().every(a => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)"));
  }

  private static void screenshot(String name) throws IOException {
    byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
    Files.write(screenshots.resolve(name + ".png"), png);
  }

  /** On a failed wait, keeps what the browser showed, for whoever reads the failure. */
  private static void saveFailure() {
    try {
      Path dir = Path.of(System.getProperty("java.io.tmpdir"));
      Files.write(dir.resolve("console-failure.png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      Files.writeString(dir.resolve("console-failure.html"), driver.getPageSource());
      System.err.println("console test: the page at the failure is in " + dir.resolve("console-failure.png"));
    } catch (RuntimeException | IOException ignored) {
      // the original failure matters more
    }
  }
}
