package io.chameleon.store;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The keys a command must hold while it decides and commits. A command on a UOW holds the UOW,
 * its parent (whose child counts it may change) and, shared, its instance: commands on different
 * UOWs of one instance run side by side, while the kill switch and its release hold the instance
 * alone, so they see no UOW command half done and none starts before they end. A request command
 * also holds its linked UOW, as above.
 */
public final class LockKeys {

  private LockKeys() {
  }

  public static KeyedLocks.Keys of(Command command, StoreState state) {
    Set<String> keys = new LinkedHashSet<>();
    Set<String> shared = new LinkedHashSet<>();
    if (command instanceof Command.Register r) {
      keys.add("uow:" + r.uowId());
      if (r.parentUowId() != null) {
        keys.add("uow:" + r.parentUowId());
      }
      shared.add("instance:" + r.instanceId());
    } else if (command instanceof Command.KillSwitch k) {
      keys.add("instance:" + k.instanceId());
    } else if (command instanceof Command.Release r) {
      keys.add("instance:" + r.instanceId());
    } else if (command instanceof Command.CreateRequest c) {
      keys.add("req:" + c.requestId());
      uow(keys, shared, c.uowId(), state);
    } else if (command instanceof Command.Claim c) {
      request(keys, shared, c.requestId(), state);
    } else if (command instanceof Command.DecideRequest d) {
      request(keys, shared, d.requestId(), state);
    } else if (command instanceof Command.Expire e) {
      request(keys, shared, e.requestId(), state);
    } else {
      uow(keys, shared, uowIdOf(command), state);
    }
    return new KeyedLocks.Keys(keys, shared);
  }

  private static void request(Set<String> keys, Set<String> shared, String requestId, StoreState state) {
    keys.add("req:" + requestId);
    InterventionRequest request = state.request(requestId);
    if (request != null) {
      uow(keys, shared, request.uowId(), state);
    }
  }

  private static void uow(Set<String> keys, Set<String> shared, String uowId, StoreState state) {
    keys.add("uow:" + uowId);
    Uow uow = state.uow(uowId);
    if (uow != null) {
      if (uow.parentUowId() != null) {
        keys.add("uow:" + uow.parentUowId());
      }
      shared.add("instance:" + uow.instanceId());
    }
  }

  private static String uowIdOf(Command command) {
    if (command instanceof Command.Interaction i) {
      return i.uowId();
    } else if (command instanceof Command.Advance a) {
      return a.uowId();
    } else if (command instanceof Command.Clarify c) {
      return c.uowId();
    } else if (command instanceof Command.Waive w) {
      return w.uowId();
    } else if (command instanceof Command.Resume r) {
      return r.uowId();
    } else if (command instanceof Command.Cancel c) {
      return c.uowId();
    }
    throw new IllegalArgumentException("no lock keys for " + command);
  }
}
