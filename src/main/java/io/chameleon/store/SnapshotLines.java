package io.chameleon.store;

import static io.chameleon.store.Canonical.copy;
import static io.chameleon.store.Canonical.map;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
    String field;
    while ((field = json.nextFieldName()) != null) {
      JsonToken token = json.nextToken();
      switch (field) {
        case "uow_id" -> uowId = text(json, token);
        case "instance_id" -> instanceId = text(json, token);
        case "parent_uow_id" -> parentUowId = text(json, token);
        case "status" -> status = UowStatus.parse(text(json, token));
        case "attributes" -> attributes = copy(map(read(json, token)));
        case "interaction_policy" -> policy = copy(map(read(json, token)));
        case "interaction_count" -> interactionCount = json.getIntValue();
        case "max_interactions" -> maxInteractions = json.getIntValue();
        case "child_count" -> childCount = json.getIntValue();
        case "finished_child_count" -> finishedChildCount = json.getIntValue();
        case "created_at" -> createdAt = text(json, token);
        case "updated_at" -> updatedAt = text(json, token);
        case "version" -> version = json.getLongValue();
        case "content_hash" -> contentHash = text(json, token);
        case "pause" -> pause = copy(map(read(json, token)));
        case "parked_decision" -> parkedDecision = copy(map(read(json, token)));
        case "clarification" -> clarification = text(json, token);
        case "waived_rule" -> waivedRule = text(json, token);
        case "approval_granted" -> approvalGranted = json.getBooleanValue();
        case "register_fingerprint" -> registerFingerprint = text(json, token);
        default -> throw new IllegalArgumentException("unknown uow field " + field);
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
    String field;
    while ((field = json.nextFieldName()) != null) {
      JsonToken token = json.nextToken();
      switch (field) {
        case "request_id" -> requestId = text(json, token);
        case "uow_id" -> uowId = text(json, token);
        // type and priority come from a closed vocabulary: one shared copy each, as fromState does
        case "intervention_type" -> type = text(json, token).intern();
        case "status" -> status = RequestStatus.valueOf(text(json, token));
        case "priority" -> priority = text(json, token).intern();
        case "title" -> title = text(json, token);
        case "description" -> description = text(json, token);
        case "context" -> context = copy(map(read(json, token)));
        case "created_at" -> createdAt = text(json, token);
        case "updated_at" -> updatedAt = text(json, token);
        case "expires_at" -> expiresAt = text(json, token);
        case "required_role" -> requiredRole = Role.valueOf(text(json, token));
        case "assigned_to" -> assignedTo = text(json, token);
        case "action_reason" -> actionReason = text(json, token);
        case "action_timestamp" -> actionTimestamp = text(json, token);
        case "action_by" -> actionBy = text(json, token);
        case "version" -> version = json.getLongValue();
        case "create_fingerprint" -> createFingerprint = text(json, token);
        default -> throw new IllegalArgumentException("unknown request field " + field);
      }
    }
    return new InterventionRequest(requestId, uowId, type, status, priority, title, description,
      context, createdAt, updatedAt, expiresAt, requiredRole, assignedTo, actionReason,
      actionTimestamp, actionBy, version, createFingerprint);
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
        Map<String, Object> object = new LinkedHashMap<>();
        String field;
        while ((field = json.nextFieldName()) != null) {
          object.put(field, read(json, json.nextToken()));
        }
        return object;
      }
      case START_ARRAY -> {
        List<Object> array = new ArrayList<>();
        JsonToken next;
        while ((next = json.nextToken()) != JsonToken.END_ARRAY) {
          array.add(read(json, next));
        }
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
