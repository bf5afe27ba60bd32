package io.chameleon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;

/** The shared JSON toolbox: RFC 8785 canonical form, its SHA-256, deep copies and frozen copies. */
class PlainJsonTest {

  /** RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical spelling. */
  @Test
  void numbersAsRfc8785AppendixB() {
    String[][] vectors = {
      {"0000000000000000", "0"},
      {"8000000000000000", "0"},
      {"0000000000000001", "5e-324"},
      {"8000000000000001", "-5e-324"},
      {"7fefffffffffffff", "1.7976931348623157e+308"},
      {"ffefffffffffffff", "-1.7976931348623157e+308"},
      {"4340000000000000", "9007199254740992"},
      {"c340000000000000", "-9007199254740992"},
      {"4430000000000000", "295147905179352830000"},
      {"44b52d02c7e14af5", "9.999999999999997e+22"},
      {"44b52d02c7e14af6", "1e+23"},
      {"44b52d02c7e14af7", "1.0000000000000001e+23"},
      {"444b1ae4d6e2ef4e", "999999999999999700000"},
      {"444b1ae4d6e2ef4f", "999999999999999900000"},
      {"444b1ae4d6e2ef50", "1e+21"},
      {"3eb0c6f7a0b5ed8c", "9.999999999999997e-7"},
      {"3eb0c6f7a0b5ed8d", "0.000001"},
      {"41b3de4355555553", "333333333.3333332"},
      {"41b3de4355555554", "333333333.33333325"},
      {"41b3de4355555555", "333333333.3333333"},
      {"41b3de4355555556", "333333333.3333334"},
      {"41b3de4355555557", "333333333.33333343"},
      {"becbf647612f3696", "-0.0000033333333333333333"},
      {"43143ff3c1cb0959", "1424953923781206.2"},
    };
    for (String[] vector : vectors) {
      double value = Double.longBitsToDouble(Long.parseUnsignedLong(vector[0], 16));
      assertEquals(vector[1], PlainJson.canonical(value), vector[0]);
    }
  }

  /** Verifies the numbers the brief names and every Java number type, as its decimal says. */
  @Test
  void numbersOfEveryType() {
    assertEquals("1e+21", PlainJson.canonical(1e21));
    assertEquals("100000000000000000000", PlainJson.canonical(1e20));
    assertEquals("0", PlainJson.canonical(-0.0));
    assertEquals("5e-324", PlainJson.canonical(5e-324));
    assertEquals("1.7976931348623157e+308", PlainJson.canonical(1.7976931348623157e308));
    assertEquals("1e-7", PlainJson.canonical(1e-7));
    assertEquals("1", PlainJson.canonical(1.0));
    assertEquals("42", PlainJson.canonical(42));
    assertEquals("-7", PlainJson.canonical((short) -7));
    assertEquals("9007199254740992", PlainJson.canonical(9007199254740993L));
    assertEquals("0.1", PlainJson.canonical(0.1f));
    assertEquals("1000", PlainJson.canonical(new BigDecimal("1E+3")));
    assertEquals("1.2345678901234568e+29",
      PlainJson.canonical(new BigInteger("123456789012345678901234567890")));
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertThrows(IllegalArgumentException.class, () -> PlainJson.canonical(bad));
    }
    assertThrows(IllegalArgumentException.class, () -> PlainJson.canonical(Float.NaN));
  }

  /** RFC 8785 §3.2.3: properties sorted by UTF-16 code units, not code points or locale. */
  @Test
  void propertiesSortedByUtf16CodeUnits() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("\u20ac", "Euro Sign");
    map.put("\r", "Carriage Return");
    map.put("\ufb33", "Hebrew Letter Dalet With Dagesh");
    map.put("1", "One");
    map.put("\ud83d\ude00", "Emoji: Grinning Face");
    map.put("\u0080", "Control");
    map.put("\u00f6", "Latin Small Letter O With Diaeresis");
    assertEquals("{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\","
      + "\"\u00f6\":\"Latin Small Letter O With Diaeresis\",\"\u20ac\":\"Euro Sign\","
      + "\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
      PlainJson.canonical(map));
  }

  /** RFC 8785 §3.2.2: the example object, its strings escaped minimally, its numbers reshaped. */
  @Test
  void rfc8785Example() throws Exception {
    String input = "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
      + "\"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
      + "\"literals\": [null, true, false]}";
    Object value = new ObjectMapper().readValue(input, Object.class);
    assertEquals("{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
      + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}", PlainJson.canonical(value));
  }

  /** Verifies the escapes: the two-character ones, other controls as lowercase \\u00xx, DEL and non-ASCII as they are. */
  @Test
  void stringEscaping() {
    assertEquals("\"\\b\\t\\n\\f\\r\\\"\\\\\\u0000\\u0001\\u001f\u007f/\u00e9\ud83d\ude00\"",
      PlainJson.canonical("\b\t\n\f\r\"\\\u0000\u0001\u001f\u007f/\u00e9\ud83d\ude00"));
  }

  /** Verifies SHA-256 over the prefix and the canonical form, and that a lone surrogate hashes as '?'. */
  @Test
  void canonicalHashIsSha256OfPrefixAndCanonicalText() throws Exception {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("b", List.of(1, 2.5));
    map.put("a", "\ud800");
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
      .digest("p{\"a\":\"?\",\"b\":[1,2.5]}".getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, PlainJson.canonicalHash("p", map));
    assertEquals(expected, PlainJson.sha256Hex("p" + PlainJson.canonical(map)));
  }

  /** Verifies that two keys that read alike (1 and "1") are refused, as no JSON object has them. */
  @Test
  void duplicateKeysAndNonJsonValuesAreRefused() {
    Map<Object, Object> map = new LinkedHashMap<>();
    map.put(1, "a");
    map.put("1", "b");
    assertThrows(IllegalArgumentException.class, () -> PlainJson.canonical(map));
    assertThrows(IllegalArgumentException.class, () -> PlainJson.canonical(new Object()));
    assertThrows(IllegalArgumentException.class, () -> PlainJson.canonical(new JsonObject()));
  }

  /**
   * Verifies, on random nested values, that the canonical form is exactly what the library the
   * chain hash was first computed with gives for Jackson's text of the same value.
   */
  @Test
  void sameAsJsonCanonicalizerOnRandomValues() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    Random random = new Random(8785);
    for (int i = 0; i < 2000; i++) {
      // the library reads only an object or an array at the top
      List<Object> value = new ArrayList<>();
      value.add(randomValue(random, 0));
      String expected = new JsonCanonicalizer(mapper.writeValueAsString(value)).getEncodedString();
      assertEquals(expected, PlainJson.canonical(value), () -> String.valueOf(value));
      assertEquals(expected, BusJson.canonical(BusJson.toJson(value)));
    }
  }

  private static Object randomValue(Random random, int depth) {
    int kind = random.nextInt(depth > 3 ? 8 : 10);
    switch (kind) {
      case 0: return null;
      case 1: return random.nextBoolean();
      case 2: return random.nextInt();
      case 3: return random.nextLong();
      case 4: return Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL) * (random.nextBoolean() ? 1 : -1);
      case 5: return random.nextInt(2000) / 8.0 - 100;
      case 6: return Math.pow(10, random.nextInt(60) - 30) * random.nextInt(10);
      case 7: return randomString(random);
      case 8: {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int n = random.nextInt(6); n > 0; n--) {
          map.put(randomString(random), randomValue(random, depth + 1));
        }
        return map;
      }
      default: {
        List<Object> list = new ArrayList<>();
        for (int n = random.nextInt(5); n > 0; n--) {
          list.add(randomValue(random, depth + 1));
        }
        return list;
      }
    }
  }

  private static String randomString(Random random) {
    char[] pool = {'a', 'b', 'Z', '0', ' ', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f',
      '\u0080', '\u00e9', '\u20ac', '\ufb33', '\uffff'};
    StringBuilder text = new StringBuilder();
    for (int n = random.nextInt(6); n > 0; n--) {
      if (random.nextInt(8) == 0) {
        text.append("\ud83d\ude00");
      } else {
        text.append(pool[random.nextInt(pool.length)]);
      }
    }
    return text.toString();
  }

  /** Verifies that copy is deep, mutable, keeps key order and makes every key a string. */
  @Test
  void copyIsDeepAndMutable() {
    Map<Object, Object> inner = new LinkedHashMap<>();
    inner.put("z", 1);
    inner.put(7, "seven");
    List<Object> list = new ArrayList<>(List.of(1, "two"));
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("inner", inner);
    source.put("list", list);
    source.put("immutable", Map.of("k", List.of(1)));
    Map<String, Object> copy = PlainJson.copy(source);
    assertEquals(List.of("inner", "list", "immutable"), new ArrayList<>(copy.keySet()));
    @SuppressWarnings("unchecked")
    Map<String, Object> innerCopy = (Map<String, Object>) copy.get("inner");
    assertEquals(List.of("z", "7"), new ArrayList<>(innerCopy.keySet()));
    inner.put("z", 2);
    list.add(3);
    assertEquals(1, innerCopy.get("z"));
    assertEquals(List.of(1, "two"), copy.get("list"));
    @SuppressWarnings("unchecked")
    Map<String, Object> wasImmutable = (Map<String, Object>) copy.get("immutable");
    wasImmutable.put("more", true);
    assertInstanceOf(ArrayList.class, wasImmutable.get("k"));
    assertNotSame(source.get("immutable"), wasImmutable);
  }

  /** Verifies that a frozen copy refuses changes at every depth and does not see the source change. */
  @Test
  void frozenIsDeepAndUnchangeable() {
    List<Object> list = new ArrayList<>(List.of(1));
    Map<String, Object> inner = new LinkedHashMap<>(Map.of("x", list));
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("inner", inner);
    source.put("s", "text");
    Map<String, Object> frozen = PlainJson.frozenObject(source);
    assertThrows(UnsupportedOperationException.class, () -> frozen.put("a", 1));
    @SuppressWarnings("unchecked")
    Map<String, Object> frozenInner = (Map<String, Object>) frozen.get("inner");
    assertThrows(UnsupportedOperationException.class, () -> frozenInner.remove("x"));
    @SuppressWarnings("unchecked")
    List<Object> frozenList = (List<Object>) frozenInner.get("x");
    assertThrows(UnsupportedOperationException.class, () -> frozenList.add(2));
    list.add(2);
    inner.put("y", 3);
    assertEquals(Map.of("inner", Map.of("x", List.of(1)), "s", "text"), frozen);
    assertEquals("text", PlainJson.frozen("text"));
  }

  /** Verifies the Vert.x edge: JsonObjects inside maps become plain, and back, and hash alike. */
  @Test
  void busJsonConvertsBothWaysAndHashesAlike() {
    JsonObject json = new JsonObject()
      .put("b", new JsonArray().add(new JsonObject().put("y", 1).put("x", Instant.ofEpochMilli(0))))
      .put("a", new JsonObject(new LinkedHashMap<>(Map.of("nested", new JsonObject().put("k", true)))));
    Map<String, Object> plain = BusJson.toPlainObject(json);
    assertEquals(Map.of("b", List.of(Map.of("y", 1, "x", "1970-01-01T00:00:00Z")),
      "a", Map.of("nested", Map.of("k", true))), plain);
    assertInstanceOf(LinkedHashMap.class, ((Map<?, ?>) plain.get("a")).get("nested"));
    assertEquals(PlainJson.canonical(plain), BusJson.canonical(json));
    assertEquals("{\"a\":{\"nested\":{\"k\":true}},\"b\":[{\"x\":\"1970-01-01T00:00:00Z\",\"y\":1}]}",
      BusJson.canonical(json));
    JsonObject back = BusJson.toJsonObject(plain);
    assertEquals(json.encode(), back.encode());
    assertInstanceOf(JsonObject.class, back.getValue("a"));
    assertEquals(null, BusJson.toPlainObject(null));
    assertEquals(Map.of(), BusJson.toPlainObjectOrEmpty(null));
  }

  /**
   * Verifies that the hash encodes its text as {@code String.getBytes(UTF_8)} does — one to four
   * bytes a character, a lone surrogate as '?' — for short texts and for ones past the kept buffers.
   */
  @Test
  void sha256HexHashesTheUtf8OfTheText() throws Exception {
    List<String> texts = new ArrayList<>(List.of("", "a", "é", "€", "\uD83D\uDE00", "\uD83D", "\uDE00", "x\uD83Dy",
      "\uDE00\uD83D", "end\uD83D", "\u007f\u0080\u07ff\u0800\uffff"));
    Random random = new Random(7);
    for (int length : new int[] {10, 1000, 20_000, 70_000}) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < length; i++) {
        text.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0x10000)));
      }
      texts.add(text.toString());
    }
    for (String text : texts) {
      String want = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(text.getBytes(StandardCharsets.UTF_8)));
      assertEquals(want, PlainJson.sha256Hex(text), "length " + text.length());
      assertEquals(want, PlainJson.sha256Hex(text), "again, with the buffers of the first");
    }
  }

  /**
   * Verifies that hashing an event-sized value allocates less than its canonical text: the text,
   * its String and its UTF-8 bytes are written into the thread's kept buffers, not made anew.
   */
  @Test
  void canonicalHashReusesItsBuffers() {
    Map<String, Object> payload = new LinkedHashMap<>();
    for (int i = 0; i < 20; i++) {
      payload.put("field_" + i, "a value of some length, number " + i);
    }
    String text = PlainJson.canonical(payload);
    com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    String hash = null;
    for (int i = 0; i < 2000; i++) {
      hash = PlainJson.canonicalHash("", payload);
    }
    long before = threads.getThreadAllocatedBytes(id);
    for (int i = 0; i < 1000; i++) {
      hash = PlainJson.canonicalHash("", payload);
    }
    long perHash = (threads.getThreadAllocatedBytes(id) - before) / 1000;
    assertEquals(PlainJson.sha256Hex(text), hash);
    assertTrue(perHash < text.length(), perHash + " bytes per hash of a " + text.length() + "-character text");
  }
}
