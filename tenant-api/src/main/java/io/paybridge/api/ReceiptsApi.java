package io.paybridge.api;

import io.paybridge.core.http.ApiError;
import io.paybridge.core.ingest.ReceiptHeaders;
import io.paybridge.core.ingest.ReceiptStore;
import io.paybridge.core.ingest.Receipts;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.spi.GatewayApiException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Webhook receipts: every delivery that reached one of the tenant's webhook URLs, with its verdict
 * ({@code recorded}, {@code duplicate}, {@code held}, {@code ignored}, {@code rejected}) and
 * reason, the body as received, and what it booked; and processing one again.
 */
final class ReceiptsApi {

  private static final List<String> VERDICTS =
      List.of("recorded", "duplicate", "held", "ignored", "rejected");

  private final Receipts receipts;

  ReceiptsApi(Receipts receipts) {
    this.receipts = receipts;
  }

  /**
   * {@code GET /api/v1/receipts?limit=&starting_after=&ending_before=&verdict=&gateway=&eventType=
   * &createdFrom=&createdTo=}, newest first.
   */
  void list(RoutingContext ctx) {
    PageRequest<Long> page = Lists.request(ctx, "receipt", Lists::number);
    ReceiptStore.Filter filter =
        new ReceiptStore.Filter(
            Lists.oneOf(ctx, "verdict", VERDICTS),
            Lists.filter(ctx, "gateway"),
            Lists.filter(ctx, "eventType"),
            Lists.time(ctx, "createdFrom"),
            Lists.time(ctx, "createdTo"));
    receipts
        .list(TokenService.tenantOf(ctx), filter, page)
        .onSuccess(p -> ctx.json(Lists.page(p, ReceiptsApi::view)))
        .onFailure(ctx::fail);
  }

  /** {@code GET /api/v1/receipts/{id}}: with the body as received and what it booked. */
  void get(RoutingContext ctx) {
    long id = pathId(ctx);
    receipts
        .get(TokenService.tenantOf(ctx), id)
        .compose(ApiJson.found("no receipt " + id))
        .onSuccess(
            detail -> {
              JsonObject out = view(detail.receipt());
              putBody(out, detail.body());
              JsonArray headers = new JsonArray();
              for (Map.Entry<String, String> h : ReceiptHeaders.decode(detail.headers())) {
                headers.add(new JsonObject().put("name", h.getKey()).put("value", h.getValue()));
              }
              out.put("headers", headers);
              JsonArray booked = new JsonArray();
              for (ReceiptStore.BookedEntry e : detail.booked()) {
                booked.add(
                    new JsonObject()
                        .put("id", String.valueOf(e.id()))
                        .put("kind", e.kind())
                        .put("entryKey", e.entryKey())
                        .put("amountMinor", e.amountMinor())
                        .put("currency", e.currency())
                        .put("externalPaymentId", e.externalPaymentId())
                        .put("customerRef", e.customerRef()));
              }
              out.put("booked", booked);
              ctx.response().putHeader("Cache-Control", "no-store");
              ctx.json(out);
            })
        .onFailure(ctx::fail);
  }

  /**
   * {@code POST /api/v1/receipts/{id}/reprocess}: verify, parse and record the delivery again with
   * the same keys; books only what was not booked.
   */
  void reprocess(RoutingContext ctx) {
    long id = pathId(ctx);
    receipts
        .reprocess(TokenService.tenantOf(ctx), id)
        .compose(ApiJson.found("no receipt " + id))
        .onSuccess(
            outcome ->
                Answers.ok(
                    ctx,
                    new JsonObject()
                        .put("id", String.valueOf(id))
                        .put("verdict", outcome.verdict())
                        .put("reason", outcome.reason())
                        .put("newEntries", outcome.newEntries())))
        .onFailure(
            err -> {
              if (err instanceof Receipts.NotReprocessable) {
                ctx.fail(new ApiError(409, "not_reprocessable", err.getMessage()));
              } else if (err instanceof GatewayApiException) {
                ctx.response().putHeader("Retry-After", "30");
                ctx.fail(
                    new ApiError(
                        503,
                        "gateway_unavailable",
                        "the gateway's API could not be reached; try again later"));
              } else {
                ctx.fail(err);
              }
            });
  }

  private static JsonObject view(ReceiptStore.Receipt r) {
    return new JsonObject()
        .put("id", String.valueOf(r.id()))
        .put("gateway", r.gateway())
        .put("verdict", r.verdict())
        .put("reason", r.reason())
        .put("hold", r.hold())
        .put("eventId", r.eventId())
        .put("eventType", r.eventType())
        .put("remote", r.remote())
        .put("receivedAt", ApiJson.time(r.receivedAt()))
        .put("processedAt", ApiJson.time(r.processedAt()))
        .put("duplicateOf", r.duplicateOf() == null ? null : String.valueOf(r.duplicateOf()));
  }

  /** The body as text when it is UTF-8, else base64; {@code null} when not kept. */
  private static void putBody(JsonObject out, Buffer body) {
    if (body == null) {
      out.putNull("body").put("bodyEncoding", null);
      return;
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body.getBytes()))
              .toString();
      out.put("body", text).put("bodyEncoding", "utf-8");
    } catch (CharacterCodingException e) {
      out.put("body", Base64.getEncoder().encodeToString(body.getBytes()))
          .put("bodyEncoding", "base64");
    }
  }

  private static long pathId(RoutingContext ctx) {
    Long id = id(ctx.pathParam("id"), "id");
    if (id == null) {
      throw ApiError.notFound("no receipt");
    }
    return id;
  }

  private static Long id(String raw, String field) {
    if (raw == null) {
      return null;
    }
    try {
      long v = Long.parseLong(raw);
      if (v > 0) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw ApiError.notFound("no receipt " + raw.substring(0, Math.min(raw.length(), 40)));
  }
}
