package io.paybridge.deploy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A tenant's receiving server, as a real HTTP server on loopback: records what arrives, checks
 * Standard Webhooks signatures as a receiver would, and misbehaves on demand per path.
 */
final class Sink {

  /** One received request. */
  record Received(String path, Map<String, String> headers, Buffer body, long atMillis) {
    JsonObject json() {
      return body.toJsonObject();
    }
  }

  /** How a path answers its n-th request (1-based). */
  interface Behaviour {
    Future<Integer> answer(int n, HttpServerRequest request);
  }

  private final Vertx vertx;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private HttpServer server;

  Sink(Vertx vertx) {
    this.vertx = vertx;
  }

  Sink start() {
    server =
        TestNode.await(
            vertx
                .createHttpServer()
                .requestHandler(
                    req ->
                        req.body()
                            .onSuccess(
                                body -> {
                                  Map<String, String> headers =
                                      new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                                  req.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
                                  received.add(
                                      new Received(
                                          req.path(), headers, body, System.currentTimeMillis()));
                                  int n =
                                      counts
                                          .computeIfAbsent(req.path(), k -> new AtomicInteger())
                                          .incrementAndGet();
                                  Behaviour b =
                                      behaviours.getOrDefault(
                                          req.path(), (i, r) -> Future.succeededFuture(204));
                                  b.answer(n, req)
                                      .onSuccess(
                                          status -> {
                                            if (!req.response().ended()) {
                                              req.response().setStatusCode(status).end();
                                            }
                                          });
                                }))
                .listen(0, "127.0.0.1"));
    return this;
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  void on(String path, Behaviour behaviour) {
    behaviours.put(path, behaviour);
  }

  /** Remembers the signing secret of the target at this path, to check signatures. */
  void secret(String path, String whsec) {
    secrets.put(path, whsec);
  }

  List<Received> at(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** Whether a request carries a valid Standard Webhooks signature for its path's secret. */
  boolean signatureValid(Received r) {
    String secret = secrets.get(r.path());
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(
          new SecretKeySpec(
              Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
      String signed =
          r.headers().get("webhook-id") + "." + r.headers().get("webhook-timestamp") + ".";
      mac.update(signed.getBytes(StandardCharsets.UTF_8));
      mac.update(r.body().getBytes());
      String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal());
      for (String candidate : r.headers().get("webhook-signature").split(" ")) {
        if (java.security.MessageDigest.isEqual(
            candidate.getBytes(StandardCharsets.UTF_8),
            expected.getBytes(StandardCharsets.UTF_8))) {
          return true;
        }
      }
      return false;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  void close() {
    TestNode.await(server.close());
  }
}
