package io.chameleon.store;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The keys a command must hold while it decides and commits. Every command on a UOW holds its
 * instance, so the kill switch and the UOW commands of one instance run one after another; a
 * request command also holds its linked UOW and that UOW's instance.
 */
public final class LockKeys {

  private LockKeys() {
  }

  public static Set<String> of(Command command, StoreState state) {
    Set<String> keys = new LinkedHashSet<>();
    if (command instanceof Command.Register r) {
      keys.add("uow:" + r.uowId());
      keys.add("instance:" + r.instanceId());
    } else if (command instanceof Command.KillSwitch k) {
      keys.add("instance:" + k.instanceId());
    } else if (command instanceof Command.Release r) {
      keys.add("instance:" + r.instanceId());
    } else if (command instanceof Command.CreateRequest c) {
      keys.add("req:" + c.requestId());
      uow(keys, c.uowId(), state);
    } else if (command instanceof Command.Claim c) {
      request(keys, c.requestId(), state);
    } else if (command instanceof Command.DecideRequest d) {
      request(keys, d.requestId(), state);
    } else if (command instanceof Command.Expire e) {
      request(keys, e.requestId(), state);
    } else {
      uow(keys, uowIdOf(command), state);
    }
    return keys;
  }

  private static void request(Set<String> keys, String requestId, StoreState state) {
    keys.add("req:" + requestId);
    InterventionRequest request = state.request(requestId);
    if (request != null) {
      uow(keys, request.uowId(), state);
    }
  }

  private static void uow(Set<String> keys, String uowId, StoreState state) {
    keys.add("uow:" + uowId);
    Uow uow = state.uow(uowId);
    if (uow != null) {
      keys.add("instance:" + uow.instanceId());
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
