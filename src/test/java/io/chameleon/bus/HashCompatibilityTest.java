package io.chameleon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.chameleon.broadcast.EventHash;
import io.chameleon.store.Canonical;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hashes already in logs and stores do not change: the chain hash ({@link EventHash}) and the
 * content hash and fingerprint ({@link Canonical}) of fixed events and bodies, against the values
 * the code before the shared {@link PlainJson} toolbox gave (Jackson's text through
 * {@code org.erdtman.jcs.JsonCanonicalizer}, then SHA-256; computed with commit 06f050e).
 */
class HashCompatibilityTest {

  private static final String T = "2026-11-25T12:00:00.123Z";

  static Map<String, Object> attributes() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("amount", 1000);
    map.put("risk_score", 0.69);
    map.put("big", 9007199254740993L);
    map.put("huge", new BigInteger("123456789012345678901234567890"));
    map.put("dec", new BigDecimal("1E+3"));
    map.put("f", 0.1f);
    map.put("e21", 1e21);
    map.put("e20", 1e20);
    map.put("small", 1e-7);
    map.put("negzero", -0.0);
    map.put("min", 5e-324);
    map.put("max", 1.7976931348623157e308);
    map.put("neg", -12.5);
    map.put("\u20ac", "euro");
    map.put("\r", "cr");
    map.put("\ud83d\ude00", "smile");
    map.put("\ufb33", "dalet");
    map.put("text", "tab\there \"q\" \\ \u0001\u001f\u007f é \ud83d\ude00 </script>");
    map.put("none", null);
    map.put("yes", true);
    map.put("no", false);
    map.put("empty", new LinkedHashMap<>());
    List<Object> list = new ArrayList<>();
    list.add(1);
    list.add("two");
    list.add(List.of());
    list.add(Map.of("z", 1, "a", 2));
    map.put("list", list);
    return map;
  }

  @Test
  void chainHashesOfFixedEventsAreUnchanged() {
    assertEquals("6145e47f4162ccf805ef7e486bf63308882616084ca83786c21390bd4ffb9c27",
      EventHash.of(EventHash.GENESIS, T, "uow_registered",
        new JsonObject().put("uow_id", "u1").put("attributes", new JsonObject(attributes()))));
    assertEquals("63786da649bda53874e09c581b611b981b9f8aef08a4a6b55c85eeba3c1c24d1",
      EventHash.of("ab".repeat(32), T, "request_decided",
        new JsonObject().put("request_id", "r-1").put("decision", "APPROVE")
          .put("nested", new JsonArray().add(new JsonObject().put("b", 1).put("a", 2.5)).add(1e21))));
    assertEquals("d331e42e7ad7593c3c34c47a300de95ab1f2dc1af7a9adec528836881583cd06",
      EventHash.of(EventHash.GENESIS, T, "x", new JsonObject()));
  }

  @Test
  void contentHashesAndFingerprintsOfFixedBodiesAreUnchanged() {
    assertEquals("10bf12db1a111019491baee37d4ab0eb50ffe05a9d40fd66c2b02f74164ca8dc",
      Canonical.contentHash("u1", "PENDING", attributes(), 1));
    assertEquals("1c1fdcfa582ca5939cc04ce94212b45bd600719251aab93099f82a806f5f2a92",
      Canonical.contentHash("u-\u00e9", "APPROVED", Map.of(), 42));
    assertEquals("f7b33532cae7ec75677191852b7d82f35c684eaa87e8d00d1139f8690095d336",
      Canonical.fingerprint(attributes()));
    assertEquals("{\"\\r\":\"cr\",\"amount\":1000,\"big\":9007199254740992,\"dec\":1000,"
      + "\"e20\":100000000000000000000,\"e21\":1e+21,\"empty\":{},\"f\":0.1,"
      + "\"huge\":1.2345678901234568e+29,\"list\":[1,\"two\",[],{\"a\":2,\"z\":1}],"
      + "\"max\":1.7976931348623157e+308,\"min\":5e-324,\"neg\":-12.5,\"negzero\":0,"
      + "\"no\":false,\"none\":null,\"risk_score\":0.69,\"small\":1e-7,"
      + "\"text\":\"tab\\there \\\"q\\\" \\\\ \\u0001\\u001f\u007f \u00e9 \ud83d\ude00 </script>\","
      + "\"yes\":true,\"\u20ac\":\"euro\",\"\ud83d\ude00\":\"smile\",\"\ufb33\":\"dalet\"}",
      Canonical.json(attributes()));
  }
}
