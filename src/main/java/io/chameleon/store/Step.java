package io.chameleon.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The changes of one command so far, on top of the state it read: the UOWs and requests it
 * changed, the events it emitted, and the requests it closed along the way (whose events come
 * last, in {@link #drafts}).
 */
final class Step {
  final StoreState state;
  final Instant now;
  final String at;
  final Map<String, Uow> uows = new LinkedHashMap<>();
  final Map<String, InterventionRequest> requests = new LinkedHashMap<>();
  final List<Draft> events = new ArrayList<>();
  final List<Draft> closing = new ArrayList<>();
  final List<String> closed = new ArrayList<>();

  Step(StoreState state, Instant now) {
    this.state = state;
    this.now = now;
    this.at = Canonical.timestamp(now);
  }

  Uow uow(String id) {
    Uow changed = uows.get(id);
    return changed != null ? changed : state.uow(id);
  }

  InterventionRequest request(String id) {
    InterventionRequest changed = requests.get(id);
    return changed != null ? changed : state.request(id);
  }

  void put(Uow uow) {
    uows.put(uow.uowId(), uow);
  }

  void put(InterventionRequest request) {
    requests.put(request.requestId(), request);
  }

  /**
   * A child changed its parent's counts: the parent's new state is put in this step and rides in
   * the child's event as {@code parent_uow}.
   */
  void countOnParent(Uow parent, Consumer<Uow.Change> count, Map<String, Object> payload) {
    Uow.Change change = parent.change();
    count.accept(change);
    Uow updated = change.done(now);
    put(updated);
    payload.put("parent_uow", updated.toState());
  }

  void emit(String type, Map<String, Object> payload) {
    events.add(new Draft(type, payload));
  }

  List<Draft> drafts() {
    List<Draft> all = new ArrayList<>(events);
    all.addAll(closing);
    return all;
  }
}
