package io.chameleon.store;

import java.util.Map;

/** An event as the log stored it: what {@link StoreState#apply} consumes. */
public record LoggedEvent(String id, String timestamp, String eventType,
                          Map<String, Object> payload) {
}
