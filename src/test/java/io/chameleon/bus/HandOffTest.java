package io.chameleon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A request body and its reply are handed over on local delivery, not deep-copied. */
@ExtendWith(VertxExtension.class)
class HandOffTest {

  /** Verifies that the consumer gets the very object sent, and the sender the very reply. */
  @Test
  void localRequestAndReplyAreTheSameObjects(Vertx vertx, VertxTestContext ctx) {
    JsonObject sent = new JsonObject().put("body", new JsonObject().put("a", new JsonArray().add(1)));
    JsonObject answer = new JsonObject().put("data", new JsonObject().put("b", 2));
    AtomicReference<JsonObject> received = new AtomicReference<>();
    BusClient bus = new BusClient(vertx, 5000);
    vertx.eventBus().<JsonObject>consumer("hand-off.test", message -> {
      received.set(message.body());
      message.reply(answer, HandOff.options(vertx));
    }).completion()
      .compose(v -> bus.request("hand-off.test", sent))
      .onComplete(ctx.succeeding(reply -> ctx.verify(() -> {
        assertSame(sent, received.get());
        assertSame(answer, reply);
        ctx.completeNow();
      })));
  }

  /** Verifies that without the codec Vert.x copies (what the hand-off saves), so the test above can fail. */
  @Test
  void theDefaultCodecCopies(Vertx vertx, VertxTestContext ctx) {
    JsonObject sent = new JsonObject().put("a", 1);
    Promise<JsonObject> received = Promise.promise();
    vertx.eventBus().<JsonObject>consumer("copy.test", message -> received.complete(message.body()))
      .completion()
      .onSuccess(v -> vertx.eventBus().send("copy.test", sent))
      .compose(v -> received.future())
      .onComplete(ctx.succeeding(got -> ctx.verify(() -> {
        assertNotSame(sent, got);
        assertEquals(sent, got);
        ctx.completeNow();
      })));
  }

  /** Verifies that across the cluster the object travels as JSON and comes back equal. */
  @Test
  void wireFormRoundTrips(Vertx vertx) {
    HandOff.register(vertx);
    HandOff.register(vertx); // a second registration is a no-op, not an error
    JsonObject json = new JsonObject().put("s", "é\ud83d\ude00").put("n", 1.5)
      .put("o", new JsonObject().put("l", new JsonArray().add(true).addNull()));
    MessageCodec<JsonObject, JsonObject> codec = new HandOff();
    Buffer buffer = Buffer.buffer().appendString("prefix");
    codec.encodeToWire(buffer, json);
    assertEquals(json, codec.decodeFromWire(6, buffer));
    assertSame(json, codec.transform(json));
  }
}
