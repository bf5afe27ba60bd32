package io.chameleon.bus;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.erdtman.jcs.NumberToJSON;

/**
 * The one JSON reader for untrusted input (request bodies, token segments, socket messages).
 * Unlike the default codec it rejects duplicate keys, comments, nesting deeper than 128, bytes
 * that are not UTF-8 (an overlong {@code C0 AF} is not a {@code /}), strings and keys holding a
 * lone surrogate ({@code "\ud800"}: no UTF-8 can store it, so it would not survive a restart),
 * and numbers a double cannot hold exactly (see {@link #exact}). It names what was wrong, and
 * where, without echoing the input.
 */
public final class StrictJson {

  public static final int MAX_DEPTH = 128;
  /** Longest number accepted, in characters (Jackson's own default). */
  public static final int MAX_NUMBER_LENGTH = 1000;

  private static final JsonFactory FACTORY = JsonFactory.builder()
    .streamReadConstraints(StreamReadConstraints.builder()
      .maxNestingDepth(MAX_DEPTH).maxNumberLength(MAX_NUMBER_LENGTH).build())
    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
    .build();
  /** Integers up to this magnitude are exact as doubles; larger ones are checked. */
  private static final long EXACT_INTEGER = 1L << 53;

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
    CharBuffer text = utf8(bytes);
    Object value;
    try (JsonParser parser = FACTORY.createParser(text.array(), text.position(), text.remaining())) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw Failure.badRequest("malformed JSON: empty");
      }
      try {
        value = read(parser, first);
        if (parser.nextToken() != null) {
          throw Failure.badRequest("malformed JSON: trailing content");
        }
      } catch (StreamConstraintsException e) {
        throw Failure.badRequest(limit(e, parser));
      } catch (IOException e) {
        String message = e.getMessage();
        throw Failure.badRequest(message != null && message.startsWith("Duplicate field")
          ? "duplicate key at " + where(parser.getParsingContext()) : "malformed JSON");
      }
    } catch (StreamConstraintsException e) {
      throw Failure.badRequest("JSON nesting deeper than " + MAX_DEPTH);
    } catch (IOException e) {
      throw Failure.badRequest("malformed JSON");
    }
    if (value == null) {
      throw Failure.badRequest("malformed JSON: empty");
    }
    return value;
  }

  /** The body as characters, or 400 naming the offset of the first byte that is not UTF-8. */
  private static CharBuffer utf8(byte[] bytes) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      throw Failure.badRequest("body is not valid UTF-8 (at byte " + in.position() + ")");
    }
    out.flip();
    if (out.hasRemaining() && out.get(0) == '\uFEFF') {
      out.get(); // a byte order mark is allowed before the text (RFC 8259 §8.1), as Jackson did
    }
    return out; // parsed where it is: no copy of the text
  }

  private static Object read(JsonParser parser, JsonToken token) throws IOException {
    switch (token) {
      case START_OBJECT: {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
          String key = parser.currentName();
          checkText(key, parser, "key");
          map.put(key, read(parser, parser.nextToken()));
        }
        return map;
      }
      case START_ARRAY: {
        List<Object> list = new ArrayList<>();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
          list.add(read(parser, next));
        }
        return list;
      }
      case VALUE_STRING: {
        String text = parser.getText();
        checkText(text, parser, "string");
        return text;
      }
      case VALUE_NUMBER_INT:
        return integer(parser);
      case VALUE_NUMBER_FLOAT: {
        String text = parser.getText();
        double value = parser.getDoubleValue();
        if (!exact(text, value)) {
          throw Failure.badRequest(inexact(parser));
        }
        return value;
      }
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw Failure.badRequest("malformed JSON");
    }
  }

  /** An integer as Integer, Long or BigInteger (as Jackson reads them), if a double holds it. */
  private static Number integer(JsonParser parser) throws IOException {
    JsonParser.NumberType type = parser.getNumberType();
    if (type == JsonParser.NumberType.INT) {
      return parser.getIntValue();
    }
    if (type == JsonParser.NumberType.LONG) {
      long value = parser.getLongValue();
      if (Math.abs(value) <= EXACT_INTEGER || exact(Long.toString(value), (double) value)) {
        return value;
      }
      throw Failure.badRequest(inexact(parser));
    }
    BigInteger value = parser.getBigIntegerValue();
    if (exact(value.toString(), value.doubleValue())) {
      return value;
    }
    throw Failure.badRequest(inexact(parser));
  }

  /**
   * Whether the number written as {@code text} is exactly the shortest decimal of its nearest
   * double, {@code value}: what RFC 8785 canonical JSON (the idempotency fingerprint and the
   * audit chain) writes for it. Then two numbers that differ are never canonicalised alike, and a
   * number reads back as what was sent; 0.1 and 1e20 pass, 2^53 + 1, 30-digit integers, 1e309
   * and 1e-400 do not (RFC 7493 §2.2 advises against them for the same reason).
   */
  static boolean exact(String text, double value) {
    if (!Double.isFinite(value)) {
      return false;
    }
    try {
      return new BigDecimal(text).compareTo(new BigDecimal(NumberToJSON.serializeNumber(value))) == 0;
    } catch (NumberFormatException | IOException e) {
      return false; // an exponent beyond int range
    }
  }

  private static String inexact(JsonParser parser) {
    return "number at " + where(parser.getParsingContext())
      + " cannot be kept exactly (more digits or range than a 64-bit double holds)";
  }

  /** Refuses a string or key holding a surrogate that is not half of a pair. */
  private static void checkText(String text, JsonParser parser, String what) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw Failure.badRequest(what + " at " + where(parser.getParsingContext())
          + " holds a lone surrogate (\\u" + Integer.toHexString(c) + ")");
      }
    }
  }

  private static String limit(StreamConstraintsException e, JsonParser parser) {
    String message = e.getMessage();
    if (message != null && message.startsWith("Number value length")) {
      return "number at " + where(parser.getParsingContext()) + " is longer than "
        + MAX_NUMBER_LENGTH + " characters";
    }
    if (message != null && message.contains("nesting depth")) {
      return "JSON nesting deeper than " + MAX_DEPTH;
    }
    return "JSON value too large";
  }

  /**
   * Where the parser is, as a path like {@code attributes.items[2].amount} ({@code $} for the
   * top level). Keys are cut to 64 characters, so an error never echoes much of the input.
   */
  static String where(JsonStreamContext context) {
    List<String> parts = new ArrayList<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.add("[" + Math.max(0, c.getCurrentIndex()) + "]");
      } else if (c.getCurrentName() != null) {
        parts.add("." + printable(c.getCurrentName()));
      }
    }
    StringBuilder path = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      path.append(parts.get(i));
    }
    if (path.length() == 0) {
      return "$";
    }
    return path.charAt(0) == '.' ? "'" + path.substring(1) + "'" : "'" + path + "'";
  }

  /** A key as it may appear in a message: at most 64 characters, control and surrogate chars as '?'. */
  private static String printable(String key) {
    String cut = key.length() > 64 ? key.substring(0, 64) + "…" : key;
    StringBuilder out = new StringBuilder(cut.length());
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
    }
    return out.toString();
  }
}
