package io.chameleon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict reader of untrusted JSON: what it refuses, and that it names where. */
class StrictJsonTest {

  private static Object parse(String json) {
    return StrictJson.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String refusal(String json) {
    return refusal(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String refusal(byte[] json) {
    Failure failure = assertThrows(Failure.class, () -> StrictJson.parse(json));
    assertEquals(400, failure.status());
    return failure.getMessage();
  }

  /** Verifies that a number too large for a double, written out or with an exponent, is a 400 naming its field. */
  @Test
  void numbersBeyondADoubleAreRefusedNamingTheField() {
    String huge = "1" + "0".repeat(309);
    String message = refusal("{\"context\":{\"amount\":" + huge + "}}");
    assertTrue(message.contains("'context.amount'"), message);
    assertTrue(message.contains("cannot be kept exactly"), message);
    assertTrue(refusal("{\"a\":[1,1e309]}").contains("'a[1]'"));
    assertTrue(refusal("{\"a\":-1e309}").contains("'a'"));
    assertTrue(refusal("{\"a\":1e-400}").contains("'a'"));
    assertTrue(refusal(huge).contains("$"));
  }

  /** Verifies that a number longer than 1000 characters is refused as such, not as "nesting too deep". */
  @Test
  void overlongNumbersAreRefusedAsSuch() {
    String message = refusal("{\"x\":{\"n\":" + "1".repeat(1001) + "}}");
    assertTrue(message.contains("'x.n'") && message.contains("longer than 1000"), message);
  }

  /**
   * Verifies that numbers are kept only when the canonical JSON keeps them: two 30-digit integers
   * differing in the last digit, and 2^53 + 1, are refused; what a double holds exactly passes.
   */
  @Test
  void numbersAreKeptExactlyOrRefused() {
    refusal("{\"n\":123456789012345678901234567890}");
    refusal("{\"n\":123456789012345678901234567891}");
    refusal("{\"n\":9007199254740993}");
    refusal("{\"n\":0.10000000000000000001}");
    Map<?, ?> ok = (Map<?, ?>) parse("{\"a\":0.1,\"b\":9007199254740992,\"c\":100000000000000000000,"
      + "\"d\":1.5e300,\"e\":-0.0,\"f\":7,\"g\":1.0E2,\"h\":5e-324}");
    assertEquals(0.1, ok.get("a"));
    assertEquals(9007199254740992L, ok.get("b"));
    assertEquals(new BigInteger("100000000000000000000"), ok.get("c"));
    assertEquals(1.5e300, ok.get("d"));
    assertEquals(7, ok.get("f"));
    assertEquals(100.0, ok.get("g"));
    assertEquals(5e-324, ok.get("h"));
  }

  /** Verifies that a lone surrogate in a value or a key is refused, and a pair is kept. */
  @Test
  void loneSurrogatesAreRefused() {
    assertTrue(refusal("{\"a\":\"a\\ud800b\"}").contains("'a'"));
    assertTrue(refusal("{\"a\":[\"\\udc00\"]}").contains("lone surrogate"));
    assertTrue(refusal("{\"k\\ud800\":1}").contains("key"));
    assertTrue(refusal("{\"a\":\"\\ud800\"}").contains("lone surrogate"));
    assertEquals(Map.of("a", "\uD83D\uDE00"), parse("{\"a\":\"\\ud83d\\ude00\"}"));
    assertEquals(Map.of("a", "\uD83D\uDE00"), parse("{\"a\":\"\uD83D\uDE00\"}"));
  }

  /** Verifies that bytes that are not UTF-8 (overlong, truncated, an encoded surrogate) are refused. */
  @Test
  void invalidUtf8IsRefused() {
    byte[] overlong = {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'};
    assertTrue(refusal(overlong).contains("not valid UTF-8"));
    refusal(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'});
    refusal(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'});
    assertEquals(Map.of("a", "é"), parse("{\"a\":\"é\"}"));
    assertEquals(Map.of(), StrictJson.parse(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'}));
  }

  /** Verifies the refusals that were there before: duplicates, depth, trailing content. */
  @Test
  void theOldRefusalsStay() {
    assertTrue(refusal("{\"a\":1,\"a\":2}").contains("duplicate key"));
    assertTrue(refusal("[".repeat(129) + "]".repeat(129)).contains("nesting deeper than 128"));
    assertTrue(refusal("{} {}").contains("trailing"));
    assertTrue(refusal("").contains("empty"));
    refusal("{/*c*/}");
    assertEquals(List.of(1, "x", true), parse("[1,\"x\",true]"));
  }
}
