package io.chameleon.store;

import static io.chameleon.store.Canonical.map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import io.chameleon.bus.Role;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entities of a store snapshot as JSON, with Jackson's streaming API. UOWs and requests (the
 * bulk of a snapshot) are written and read field by field, in the shape of their
 * {@code toState()} and into what their {@code fromState} would build, without a map per entity in
 * between; everything else goes through plain maps. Numbers are written and read back as the event
 * log's JSON codec does (integers as Integer, Long or BigInteger, fractions as Double), so a
 * restored state holds the same values as one replayed from the log.
 */
final class SnapshotLines {

  private SnapshotLines() {
  }

  // ---- writing

  /** {@code Uow.toState()}, field by field. */
  static void writeUow(JsonGenerator json, Uow uow) throws IOException {
    json.writeStartObject();
    json.writeStringField("uow_id", uow.uowId());
    json.writeStringField("instance_id", uow.instanceId());
    json.writeStringField("parent_uow_id", uow.parentUowId());
    json.writeStringField("status", uow.status().name());
    field(json, "attributes", uow.attributes());
    field(json, "interaction_policy", uow.interactionPolicy());
    json.writeNumberField("interaction_count", uow.interactionCount());
    json.writeNumberField("max_interactions", uow.maxInteractions());
    json.writeNumberField("child_count", uow.childCount());
    json.writeNumberField("finished_child_count", uow.finishedChildCount());
    json.writeStringField("created_at", uow.createdAt());
    json.writeStringField("updated_at", uow.updatedAt());
    json.writeNumberField("version", uow.version());
    json.writeStringField("content_hash", uow.contentHash());
    field(json, "pause", uow.pause());
    field(json, "parked_decision", uow.parkedDecision());
    if (uow.clarification() != null) {
      json.writeStringField("clarification", uow.clarification());
    }
    json.writeStringField("waived_rule", uow.waivedRule());
    json.writeBooleanField("approval_granted", uow.approvalGranted());
    json.writeStringField("register_fingerprint", uow.registerFingerprint());
    json.writeEndObject();
  }

  /** {@code InterventionRequest.toState()}, field by field. */
  static void writeRequest(JsonGenerator json, InterventionRequest request) throws IOException {
    json.writeStartObject();
    json.writeStringField("request_id", request.requestId());
    json.writeStringField("uow_id", request.uowId());
    json.writeStringField("intervention_type", request.interventionType());
    json.writeStringField("status", request.status().name());
    json.writeStringField("priority", request.priority());
    json.writeStringField("title", request.title());
    json.writeStringField("description", request.description());
    field(json, "context", request.context());
    json.writeStringField("created_at", request.createdAt());
    json.writeStringField("updated_at", request.updatedAt());
    json.writeStringField("expires_at", request.expiresAt());
    json.writeStringField("required_role", request.requiredRole().name());
    json.writeStringField("assigned_to", request.assignedTo());
    json.writeStringField("action_reason", request.actionReason());
    json.writeStringField("action_timestamp", request.actionTimestamp());
    json.writeStringField("action_by", request.actionBy());
    json.writeNumberField("version", request.version());
    json.writeStringField("create_fingerprint", request.createFingerprint());
    json.writeEndObject();
  }

  static void field(JsonGenerator json, String name, Object value) throws IOException {
    json.writeFieldName(name);
    write(json, value);
  }

  /** Writes a plain JSON value (maps, lists, strings, numbers, booleans, null). */
  static void write(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof String text) {
      json.writeString(text);
    } else if (value instanceof Map<?, ?> map) {
      json.writeStartObject();
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        field(json, String.valueOf(entry.getKey()), entry.getValue());
      }
      json.writeEndObject();
    } else if (value instanceof List<?> list) {
      json.writeStartArray();
      for (Object element : list) {
        write(json, element);
      }
      json.writeEndArray();
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof Integer n) {
      json.writeNumber(n);
    } else if (value instanceof Long n) {
      json.writeNumber(n);
    } else if (value instanceof Double n) {
      json.writeNumber(n);
    } else if (value instanceof BigInteger n) {
      json.writeNumber(n);
    } else if (value instanceof BigDecimal n) {
      json.writeNumber(n);
    } else if (value instanceof Float n) {
      json.writeNumber(n);
    } else if (value instanceof Short n) {
      json.writeNumber(n);
    } else if (value instanceof Byte n) {
      json.writeNumber(n);
    } else {
      throw new IllegalArgumentException("not a JSON value: " + value.getClass().getSimpleName());
    }
  }

  // ---- reading

  /** What {@code Uow.fromState} builds, read field by field from the object the parser is at. */
  static Uow readUow(JsonParser json) throws IOException {
    expect(json.currentToken(), JsonToken.START_OBJECT, "uow");
    String uowId = null;
    String instanceId = null;
    String parentUowId = null;
    UowStatus status = null;
    Map<String, Object> attributes = null;
    Map<String, Object> policy = null;
    int interactionCount = 0;
    int maxInteractions = 0;
    int childCount = 0;
    int finishedChildCount = 0;
    String createdAt = null;
    String updatedAt = null;
    long version = 0;
    String contentHash = null;
    Map<String, Object> pause = null;
    Map<String, Object> parkedDecision = null;
    String clarification = null;
    String waivedRule = null;
    boolean approvalGranted = false;
    String registerFingerprint = null;
    int next = 0;
    int field;
    while ((field = nextField(json, UOW_FIELDS, next)) >= 0) {
      next = field + 1;
      JsonToken token = json.nextToken();
      switch (field) {
        case 0 -> uowId = text(json, token);
        case 1 -> instanceId = text(json, token);
        case 2 -> parentUowId = text(json, token);
        case 3 -> status = UowStatus.parse(text(json, token));
        case 4 -> attributes = map(read(json, token));
        case 5 -> policy = map(read(json, token));
        case 6 -> interactionCount = json.getIntValue();
        case 7 -> maxInteractions = json.getIntValue();
        case 8 -> childCount = json.getIntValue();
        case 9 -> finishedChildCount = json.getIntValue();
        case 10 -> createdAt = text(json, token);
        case 11 -> updatedAt = text(json, token);
        case 12 -> version = json.getLongValue();
        case 13 -> contentHash = text(json, token);
        case 14 -> pause = map(read(json, token));
        case 15 -> parkedDecision = map(read(json, token));
        case 16 -> clarification = text(json, token);
        case 17 -> waivedRule = text(json, token);
        case 18 -> approvalGranted = json.getBooleanValue();
        default -> registerFingerprint = text(json, token);
      }
    }
    return new Uow(uowId, instanceId, parentUowId, status, attributes, policy, interactionCount,
      maxInteractions, childCount, finishedChildCount, createdAt, updatedAt, version, contentHash,
      pause, parkedDecision, clarification, waivedRule, approvalGranted, registerFingerprint);
  }

  /** What {@code InterventionRequest.fromState} builds, read field by field. */
  static InterventionRequest readRequest(JsonParser json) throws IOException {
    expect(json.currentToken(), JsonToken.START_OBJECT, "request");
    String requestId = null;
    String uowId = null;
    String type = null;
    RequestStatus status = null;
    String priority = null;
    String title = null;
    String description = null;
    Map<String, Object> context = null;
    String createdAt = null;
    String updatedAt = null;
    String expiresAt = null;
    Role requiredRole = null;
    String assignedTo = null;
    String actionReason = null;
    String actionTimestamp = null;
    String actionBy = null;
    long version = 0;
    String createFingerprint = null;
    int next = 0;
    int field;
    while ((field = nextField(json, REQUEST_FIELDS, next)) >= 0) {
      next = field + 1;
      JsonToken token = json.nextToken();
      switch (field) {
        case 0 -> requestId = text(json, token);
        case 1 -> uowId = text(json, token);
        // type and priority come from a closed vocabulary: one shared copy each, as fromState does
        case 2 -> type = text(json, token).intern();
        case 3 -> status = RequestStatus.valueOf(text(json, token));
        case 4 -> priority = text(json, token).intern();
        case 5 -> title = text(json, token);
        case 6 -> description = text(json, token);
        case 7 -> context = map(read(json, token));
        case 8 -> createdAt = text(json, token);
        case 9 -> updatedAt = text(json, token);
        case 10 -> expiresAt = text(json, token);
        case 11 -> requiredRole = Role.valueOf(text(json, token));
        case 12 -> assignedTo = text(json, token);
        case 13 -> actionReason = text(json, token);
        case 14 -> actionTimestamp = text(json, token);
        case 15 -> actionBy = text(json, token);
        case 16 -> version = json.getLongValue();
        default -> createFingerprint = text(json, token);
      }
    }
    // a request never updated keeps one copy of the time (a million of them, 64 bytes each)
    if (updatedAt != null && updatedAt.equals(createdAt)) {
      updatedAt = createdAt;
    }
    return new InterventionRequest(requestId, uowId, type, status, priority, title, description,
      context, createdAt, updatedAt, expiresAt, requiredRole, assignedTo, actionReason,
      actionTimestamp, actionBy, version, createFingerprint);
  }

  /** A reader's field names, in the order the writer writes them. */
  private record Fields(String what, String[] names, SerializableString[] quoted) {
    static Fields of(String what, String... names) {
      SerializableString[] quoted = new SerializableString[names.length];
      for (int i = 0; i < names.length; i++) {
        quoted[i] = new SerializedString(names[i]);
      }
      return new Fields(what, names, quoted);
    }
  }

  private static final Fields UOW_FIELDS = Fields.of("uow", "uow_id", "instance_id",
    "parent_uow_id", "status", "attributes", "interaction_policy", "interaction_count",
    "max_interactions", "child_count", "finished_child_count", "created_at", "updated_at",
    "version", "content_hash", "pause", "parked_decision", "clarification", "waived_rule",
    "approval_granted", "register_fingerprint");

  private static final Fields REQUEST_FIELDS = Fields.of("request", "request_id", "uow_id",
    "intervention_type", "status", "priority", "title", "description", "context", "created_at",
    "updated_at", "expires_at", "required_role", "assigned_to", "action_reason",
    "action_timestamp", "action_by", "version", "create_fingerprint");

  /**
   * Moves to the next field of an entity and says which of {@code fields} it is, -1 at the end of
   * the object. The field the writer writes after the last one read ({@code expected}) is matched
   * on its raw bytes, without a symbol-table lookup; any other order still reads.
   */
  private static int nextField(JsonParser json, Fields fields, int expected) throws IOException {
    if (expected < fields.names().length) {
      if (json.nextFieldName(fields.quoted()[expected])) {
        return expected;
      }
    } else {
      json.nextToken();
    }
    JsonToken token = json.currentToken();
    if (token == JsonToken.END_OBJECT) {
      return -1;
    }
    if (token != JsonToken.FIELD_NAME) {
      throw new IllegalArgumentException(fields.what() + ": " + token + " where a field belongs");
    }
    String name = json.currentName();
    for (int i = 0; i < fields.names().length; i++) {
      if (fields.names()[i].equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException("unknown " + fields.what() + " field " + name);
  }

  private static String text(JsonParser json, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    expect(token, JsonToken.VALUE_STRING, json.currentName());
    return json.getText();
  }

  private static void expect(JsonToken token, JsonToken expected, String what) {
    if (token != expected) {
      throw new IllegalArgumentException(what + ": " + token + " where " + expected + " belongs");
    }
  }

  /** Reads a value as the event log's codec does: LinkedHashMap, ArrayList, Number, String. */
  static Object read(JsonParser json, JsonToken token) throws IOException {
    if (token == null) {
      throw new IllegalArgumentException("unexpected end of a line");
    }
    switch (token) {
      case START_OBJECT -> {
        // small from the start and grown as needed, as PlainJson.copy would size it: a snapshot
        // holds a few small maps per entity, read straight into what the state keeps
        Map<String, Object> object = new LinkedHashMap<>(2);
        String field;
        while ((field = json.nextFieldName()) != null) {
          object.put(field, read(json, json.nextToken()));
        }
        return object;
      }
      case START_ARRAY -> {
        ArrayList<Object> array = new ArrayList<>();
        JsonToken next;
        while ((next = json.nextToken()) != JsonToken.END_ARRAY) {
          array.add(read(json, next));
        }
        array.trimToSize();
        return array;
      }
      case VALUE_STRING -> {
        return json.getText();
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return json.getNumberValue();
      }
      case VALUE_TRUE -> {
        return Boolean.TRUE;
      }
      case VALUE_FALSE -> {
        return Boolean.FALSE;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IllegalArgumentException("unexpected " + token);
    }
  }
}
