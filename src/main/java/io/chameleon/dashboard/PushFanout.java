package io.chameleon.dashboard;

import io.chameleon.bus.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The subscribed sessions of one gateway instance, and its one local consumer of
 * {@link Addresses#DASHBOARD_PUSH}. Created on the gateway verticle's context, which is also the
 * context of every socket its server accepts: sessions and this set are only touched there.
 */
final class PushFanout {

  private final Set<DashboardSession> subscribers = new LinkedHashSet<>();
  private final MessageConsumer<String> consumer;

  private PushFanout(Vertx vertx) {
    this.consumer = vertx.eventBus().localConsumer(Addresses.DASHBOARD_PUSH, this::onPush);
  }

  static PushFanout register(Vertx vertx) {
    return new PushFanout(vertx);
  }

  void subscribe(DashboardSession session) {
    subscribers.add(session);
  }

  void unsubscribe(DashboardSession session) {
    subscribers.remove(session);
  }

  int subscribers() {
    return subscribers.size();
  }

  MessageConsumer<String> consumer() {
    return consumer;
  }

  private void onPush(Message<String> message) {
    if (subscribers.isEmpty()) {
      return;
    }
    Push push = Push.fromMessage(message);
    int bytes = push.bytes();
    // A session may close (and leave the set) while it is handed the push.
    for (DashboardSession session : new ArrayList<>(subscribers)) {
      session.push(push, bytes);
    }
  }
}
