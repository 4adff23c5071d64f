package io.paybridge.bench;

import io.paybridge.bench.Deliveries.Delivery;
import io.paybridge.bench.TenantSetup.Tenant;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The gateway side of the chaos suite: signed Stripe webhooks at a steady rate, each sent to a node
 * picked at random as a load balancer without health checks would, and sent again (re-signed, to
 * another random node) after a growing pause when it is not answered 2xx, as Stripe retries an
 * unacknowledged event. A webhook counts as acknowledged once any of its tries is answered 2xx; the
 * platform must then hold it, whatever fault was under way.
 *
 * <p>All state lives on the benchmark's single event loop.
 */
final class ChaosLoad {

  /**
   * What one phase of load did.
   *
   * @param sent distinct webhooks sent
   * @param acknowledged event ids answered 2xx at least once
   * @param errors non-2xx answers by status and failures by kind, over every try
   * @param gaveUp webhooks never acknowledged after every try
   */
  record Tally(int sent, Set<String> acknowledged, Map<String, Integer> errors, int gaveUp) {}

  private static final int REQUEST_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final WebClient client;
  private final Deliveries deliveries;
  private final int maxTries;
  private volatile List<Integer> ports;

  /**
   * @param ports the nodes' HTTP ports; see {@link #ports(List)} after a node restarts elsewhere
   * @param maxTries how often one webhook is sent before the gateway gives up on it
   */
  ChaosLoad(Vertx vertx, List<Tenant> tenants, String run, List<Integer> ports, int maxTries) {
    this.vertx = vertx;
    this.client =
        WebClient.create(
            vertx,
            new WebClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(16));
    this.deliveries = new Deliveries(tenants, run);
    this.maxTries = maxTries;
    this.ports = List.copyOf(ports);
  }

  /** The ports the load balancer spreads webhooks over from now on. */
  void ports(List<Integer> ports) {
    this.ports = List.copyOf(ports);
  }

  /** Starts a phase at {@code rate} webhooks per second; {@link Phase#stop} ends it. */
  Phase start(double rate) {
    Phase phase = new Phase(rate);
    vertx.runOnContext(v -> phase.begin());
    return phase;
  }

  Future<Void> close() {
    client.close();
    return Future.succeededFuture();
  }

  /** One phase of load. */
  final class Phase {
    private final double rate;
    private final Set<String> acknowledged = new HashSet<>();
    private final Map<String, Integer> errors = new TreeMap<>();
    private final Promise<Tally> done = Promise.promise();
    private long timer;
    private long started;
    private int sent;
    private int outstanding;
    private int gaveUp;
    private boolean stopping;

    private Phase(double rate) {
      this.rate = rate;
    }

    private void begin() {
      started = System.nanoTime();
      timer = vertx.setPeriodic(10, t -> sendDue());
    }

    private void sendDue() {
      long due = (long) ((System.nanoTime() - started) / 1e9 * rate);
      int count = (int) Math.min(Integer.MAX_VALUE, due - sent);
      if (count <= 0) {
        return;
      }
      for (Delivery d : deliveries.next(count)) {
        sent++;
        outstanding++;
        send(d, new JsonObject(d.body()).getString("id"), 1);
      }
    }

    private void send(Delivery d, String eventId, int attempt) {
      List<Integer> live = ports;
      int port = live.get(ThreadLocalRandom.current().nextInt(live.size()));
      Tenant tenant = d.tenant();
      client
          .post(port, "127.0.0.1", tenant.hookPath())
          .timeout(REQUEST_TIMEOUT_MS)
          .putHeader("Content-Type", "application/json; charset=utf-8")
          .putHeader("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
          .putHeader("Stripe-Signature", tenant.stripe().signatureHeader(d.body(), Instant.now()))
          .sendBuffer(Buffer.buffer(d.body()))
          .onComplete(
              ar -> {
                if (ar.succeeded() && ar.result().statusCode() / 100 == 2) {
                  acknowledged.add(eventId);
                  finished();
                  return;
                }
                String error =
                    ar.succeeded()
                        ? "HTTP " + ar.result().statusCode()
                        : ar.cause().getClass().getSimpleName();
                errors.merge(error, 1, Integer::sum);
                if (attempt >= maxTries) {
                  gaveUp++;
                  finished();
                  return;
                }
                vertx.setTimer(500L * attempt, t -> send(d, eventId, attempt + 1));
              });
    }

    private void finished() {
      outstanding--;
      if (stopping && outstanding == 0) {
        complete();
      }
    }

    private void complete() {
      done.tryComplete(new Tally(sent, Set.copyOf(acknowledged), Map.copyOf(errors), gaveUp));
    }

    /**
     * Stops sending new webhooks; completes once every webhook sent is acknowledged or given up on
     * (its tries and pauses add up to under a minute).
     */
    Future<Tally> stop() {
      vertx.runOnContext(
          v -> {
            vertx.cancelTimer(timer);
            stopping = true;
            if (outstanding == 0) {
              complete();
            }
          });
      return done.future();
    }
  }
}
