package io.chameleon.store;

import static io.chameleon.store.Canonical.obj;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An instance stopped by the kill switch, with who, why, when and the UOWs it paused. */
public record HaltedInstance(String instanceId, String haltedBy, String reason, String haltedAt,
                             List<String> pausedUowIds) {

  public Map<String, Object> toView() {
    return obj("instance_id", instanceId, "halted_by", haltedBy, "reason", reason,
      "halted_at", haltedAt, "paused_uow_ids", new ArrayList<>(pausedUowIds));
  }
}
