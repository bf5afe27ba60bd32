package io.chameleon.store;

import java.util.Map;

/** An event the core decided on, before the log gives it an id and a timestamp. */
public record Draft(String eventType, Map<String, Object> payload) {
}
