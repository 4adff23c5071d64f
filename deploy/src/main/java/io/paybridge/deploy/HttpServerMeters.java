package io.paybridge.deploy;

import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Set;

/**
 * Which of Vert.x's HTTP server meters a node keeps. Every webhook passes through the HTTP server,
 * so whatever it measures per request is paid at the ingest rate: a timer of the response time and
 * size summaries of the request and the response (each looked up by its tags and updated on every
 * request), and counters of the bytes read and written (on every read and write of every
 * connection) together cost a node more CPU than verifying a webhook's signature. The dashboards
 * and alerts read none of them; they read requests by status code ({@code
 * vertx_http_server_requests_total}), which is kept, as are the gauges of active requests and
 * connections, whose cost is per connection. The platform times what matters on the ingest path
 * itself ({@code paybridge_ingest_latency_seconds}, {@code paybridge_ingest_statement_seconds}).
 */
final class HttpServerMeters {

  /** Vert.x's names (Micrometer's dotted form) of the HTTP server meters no one reads. */
  static final Set<String> UNREAD =
      Set.of(
          "vertx.http.server.response.time",
          "vertx.http.server.request.bytes",
          "vertx.http.server.response.bytes",
          "vertx.http.server.bytes.read",
          "vertx.http.server.bytes.written");

  /** Denies the {@link #UNREAD} meters; every other meter passes. */
  static final MeterFilter FILTER = MeterFilter.deny(id -> UNREAD.contains(id.getName()));

  private HttpServerMeters() {}
}
