package io.chameleon.guardian;

import java.time.Instant;
import java.util.Map;

/** PASS_THRU: lets through any UOW that has a non-empty {@code uow_id}. */
final class PassThru implements Guardian {

  static final String TYPE = GuardianType.PASS_THRU.name();

  private final String name;

  PassThru(String name) {
    this.name = name;
  }

  @Override
  public Decision evaluate(Map<String, Object> uow, Instant now) {
    Object id = uow.get(FlatView.UOW_ID);
    if (id instanceof String text && !text.isEmpty()) {
      return Decision.allow("uow_id present", TYPE, name, Explanation.of("uow_id", text));
    }
    return Decision.deny(id == null ? "uow_id missing" : "uow_id is empty or not a string",
      TYPE, name, Map.of());
  }
}
