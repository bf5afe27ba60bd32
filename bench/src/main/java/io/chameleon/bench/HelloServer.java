package io.chameleon.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;

/**
 * The wrk baseline: a bare Vert.x HTTP server, 2 verticle instances on 127.0.0.1:{@code <port>},
 * answering {@code hello} to every request. No router, no metrics, no logging.
 *
 * <p>{@code java -cp benchmarks.jar io.chameleon.bench.HelloServer 18081}
 */
public final class HelloServer extends VerticleBase {

  private static final Buffer HELLO = Buffer.buffer("hello");

  private final int port;

  HelloServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer()
      .requestHandler(req -> req.response().putHeader("content-type", "text/plain").end(HELLO))
      .listen(port, "127.0.0.1");
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args.length > 0 ? args[0] : "18081");
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new HelloServer(port), new DeploymentOptions().setInstances(2))
      .onSuccess(id -> System.out.println("hello server listening on 127.0.0.1:" + port))
      .onFailure(e -> {
        e.printStackTrace();
        System.exit(1);
      });
  }
}
