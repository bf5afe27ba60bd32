package io.chameleon.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.chameleon.support.Http.Response;
import io.chameleon.support.OneNodePerClass;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Bodies that a double or UTF-8 cannot carry: each is a 400 naming the field, changes nothing and
 * logs no error (issue 8, items 8 and 9).
 */
class JsonBodyTest extends OneNodePerClass {

  static String operator;

  @BeforeAll
  static void setUp() {
    operator = node.token("engine-1", "OPERATOR");
  }

  private static String message(Response r) {
    assertEquals(400, r.status(), r.body());
    assertEquals("BAD_REQUEST", r.errorCode());
    assertFalse(r.body().contains("Exception"), r.body());
    return r.json().getJsonObject("error").getString("message");
  }

  private static String uow(String attributes) {
    return "{\"instance_id\":\"" + UUID.randomUUID() + "\",\"attributes\":" + attributes + "}";
  }

  private static String intervention(String id, String context) {
    return "{\"request_id\":\"" + id + "\",\"uow_id\":\"ext-1\",\"intervention_type\":\"cancel\","
      + "\"title\":\"t\",\"context\":" + context + "}";
  }

  /** Errors and stack traces logged while {@code action} runs. */
  private static List<String> errorsLoggedBy(Runnable action) {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    try {
      action.run();
    } finally {
      root.detachAppender(captured);
    }
    return captured.list.stream()
      .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null)
      .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
      .toList();
  }

  /**
   * Verifies that a 310-digit number (1e309 written out) in UOW attributes, in a request's context
   * and in advance attributes is a 400 naming the field, not a 500 with an ERROR; and that a
   * 1,001-digit number is refused as a long number, not as deep nesting.
   */
  @Test
  void numbersBeyondADoubleAre400NamingTheField() {
    String huge = "1" + "0".repeat(309);
    List<String> errors = errorsLoggedBy(() -> {
      assertTrue(message(node.http.post("/api/uows", operator, uow("{\"amount\":" + huge + "}")))
        .contains("'attributes.amount'"));
      assertTrue(message(node.http.post("/api/interventions", operator,
        intervention("big-1", "{\"n\":[" + huge + "]}"))).contains("'context.n[0]'"));
      Response created = node.http.post("/api/uows", operator, uow("{}"));
      assertEquals(201, created.status(), created.body());
      String uowId = created.data().getString("uow_id");
      assertTrue(message(node.http.post("/api/uows/" + uowId + "/advance", operator,
        "{\"status\":\"ACTIVE\",\"attributes\":{\"x\":-" + huge + "}}")).contains("'attributes.x'"));
      String longer = message(node.http.post("/api/uows", operator, uow("{\"n\":" + "9".repeat(1001) + "}")));
      assertTrue(longer.contains("longer than 1000") && longer.contains("'attributes.n'"), longer);
    });
    assertTrue(errors.isEmpty(), String.join("\n", errors));
    assertEquals(404, node.http.get("/api/interventions/big-1", operator).status());
  }

  /**
   * Verifies that two 30-digit numbers differing only in the last digit are not taken as one body
   * by the idempotency fingerprint: a double cannot tell them apart, so both are refused.
   */
  @Test
  void numbersADoubleCannotTellApartAreRefused() {
    String first = intervention("digits-1", "{\"n\":123456789012345678901234567890}");
    String second = intervention("digits-1", "{\"n\":123456789012345678901234567891}");
    assertTrue(message(node.http.post("/api/interventions", operator, first)).contains("'context.n'"));
    assertTrue(message(node.http.post("/api/interventions", operator, second)).contains("'context.n'"));
    assertEquals(404, node.http.get("/api/interventions/digits-1", operator).status());
    // what a double holds exactly is kept as sent
    Response kept = node.http.post("/api/interventions", operator,
      intervention("digits-2", "{\"n\":9007199254740992,\"m\":0.1}"));
    assertEquals(201, kept.status(), kept.body());
    JsonObject context = kept.data().getJsonObject("context");
    assertEquals(9007199254740992L, context.getLong("n"));
    assertEquals(0.1, context.getDouble("m"));
  }

  /** Verifies that a lone surrogate, in a value or a key, is a 400 and nothing is stored. */
  @Test
  void loneSurrogatesAre400() {
    assertTrue(message(node.http.post("/api/interventions", operator,
      intervention("sur-1", "{\"t\":\"a\\ud800b\"}"))).contains("lone surrogate"));
    assertTrue(message(node.http.post("/api/interventions", operator,
      intervention("sur-2", "{\"a\\udc00\":1}"))).contains("lone surrogate"));
    assertEquals(404, node.http.get("/api/interventions/sur-1", operator).status());
    assertEquals(404, node.http.get("/api/interventions/sur-2", operator).status());
  }

  /** Verifies that a body that is not UTF-8 (an overlong '/', C0 AF) is a 400, not read as '/'. */
  @Test
  void invalidUtf8Is400() throws Exception {
    byte[] head = intervention("utf-1", "{\"t\":\"a").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + 5];
    System.arraycopy(head, 0, body, 0, head.length);
    body[head.length] = (byte) 0xC0;
    body[head.length + 1] = (byte) 0xAF;
    body[head.length + 2] = '"';
    body[head.length + 3] = '}';
    body[head.length + 4] = '}';
    Response response = node.http.send(node.http.request("/api/interventions", operator)
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    assertEquals(400, response.status(), response.body());
    assertTrue(response.body().contains("not valid UTF-8"), response.body());
    assertEquals(404, node.http.get("/api/interventions/utf-1", operator).status());
  }
}
