package io.chameleon.bus;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The one JSON reader for untrusted input (request bodies, token segments, socket messages).
 * Unlike the default codec it rejects duplicate keys, comments, nesting deeper than 128 and
 * non-finite numbers, and it names what was wrong without echoing the input.
 */
public final class StrictJson {

  public static final int MAX_DEPTH = 128;

  private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
    .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
    .build());

  private StrictJson() {
  }

  /** Parses a JSON object; anything else (array, scalar, malformed) is a 400 failure. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parseObject(byte[] bytes) {
    Object value = parse(bytes);
    if (!(value instanceof Map)) {
      throw Failure.badRequest("body must be a JSON object");
    }
    return (Map<String, Object>) value;
  }

  /** Parses any JSON value into Map / List / String / Number / Boolean / null. */
  public static Object parse(byte[] bytes) {
    Object value;
    try (JsonParser parser = MAPPER.createParser(bytes)) {
      value = MAPPER.readValue(parser, Object.class);
      if (parser.nextToken() != null) {
        throw Failure.badRequest("malformed JSON: trailing content");
      }
    } catch (StreamConstraintsException e) {
      throw Failure.badRequest("JSON nesting deeper than " + MAX_DEPTH);
    } catch (IOException e) {
      String what = e.getMessage() != null && e.getMessage().startsWith("Duplicate field")
        ? "duplicate key" : "malformed JSON";
      throw Failure.badRequest(what);
    }
    if (value == null) {
      throw Failure.badRequest("malformed JSON: empty");
    }
    requireFinite(value);
    return value;
  }

  private static void requireFinite(Object value) {
    if (value instanceof Double d && !Double.isFinite(d)) {
      throw Failure.badRequest("number out of range");
    } else if (value instanceof Map<?, ?> map) {
      map.values().forEach(StrictJson::requireFinite);
    } else if (value instanceof List<?> list) {
      list.forEach(StrictJson::requireFinite);
    }
  }
}
