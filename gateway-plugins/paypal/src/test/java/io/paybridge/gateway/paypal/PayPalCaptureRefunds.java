package io.paybridge.gateway.paypal;

import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * How {@link PayPalSimulator}'s fake API refunds the captures it knows, as PayPal's Payments v2 API
 * does: {@code POST /v2/payments/captures/{id}/refund} with an optional {@code amount} ({@code
 * value}, {@code currency_code}; without one, what is left of the capture), {@code invoice_id} and
 * {@code note_to_payer}; {@code 201} with the refund (the whole resource with {@code Prefer:
 * return=representation}, else its id, status and links); the refund stored where {@code GET
 * /v2/payments/refunds/{id}} finds it and the capture's status moved to {@code PARTIALLY_REFUNDED}
 * or {@code REFUNDED}.
 *
 * <p>PayPal's refusals, each a {@code 422 UNPROCESSABLE_ENTITY} naming the issue: {@code
 * CAPTURE_FULLY_REFUNDED} when nothing is left, {@code REFUND_AMOUNT_EXCEEDED} for more than is
 * left, {@code CURRENCY_MISMATCH} for another currency, {@code DECIMAL_PRECISION} for a value with
 * more decimals than the currency has; a body that is not JSON or an amount that is not a positive
 * decimal is {@code 400 INVALID_REQUEST}. A {@code PayPal-Request-Id} seen before gets the first
 * answer again, whatever it was, and makes nothing.
 */
final class PayPalCaptureRefunds {

  private final Map<String, JsonObject> resources;
  private final Supplier<String> apiHost;
  private final Map<String, Answer> byRequestId = new HashMap<>();
  private final Map<String, Long> refunded = new HashMap<>();
  private final Map<String, String> captureOf = new HashMap<>();
  private final Set<String> pendingCaptures = new HashSet<>();

  /**
   * @param resources the simulator's resources, where captures are found and refunds stored
   * @param apiHost the host PayPal's links name
   */
  PayPalCaptureRefunds(Map<String, JsonObject> resources, Supplier<String> apiHost) {
    this.resources = resources;
    this.apiHost = apiHost;
  }

  /** Whether the fake API knows the capture (an event or a test put it there). */
  boolean knows(String captureId) {
    return resources.containsKey(PayPalSimulator.CAPTURES + captureId);
  }

  /** Refunds of the capture made from now on stay {@code PENDING} until {@link #settle}. */
  synchronized void keepPending(String captureId) {
    pendingCaptures.add(captureId);
  }

  /**
   * Ends a refund as PayPal would: {@code COMPLETED}, or {@code FAILED}, giving its amount back.
   */
  synchronized JsonObject settle(String refundId, String status) {
    JsonObject refund = resources.get(PayPalSimulator.CAPTURE_REFUNDS + refundId);
    if (refund == null) {
      throw new IllegalArgumentException("no refund " + refundId);
    }
    refund.put("status", status).put("update_time", PayPalSimulator.secondsNow());
    refund.remove("status_details");
    if ("FAILED".equals(status) || "CANCELLED".equals(status)) {
      String capture = captureOf.get(refundId);
      JsonObject amount = refund.getJsonObject("amount");
      refunded.merge(
          capture, -minor(amount.getString("value"), amount.getString("currency_code")), Long::sum);
    }
    return refund.copy();
  }

  synchronized void reset() {
    byRequestId.clear();
    pendingCaptures.clear();
  }

  /**
   * Refunds the capture.
   *
   * @param refundedElsewhere the capture was refunded in PayPal's web interface
   * @param made told the id of each refund made
   */
  synchronized Answer refund(
      ApiCall call, String captureId, boolean refundedElsewhere, Consumer<String> made) {
    String requestId = call.header("PayPal-Request-Id");
    if (requestId != null && byRequestId.containsKey(requestId)) {
      return byRequestId.get(requestId);
    }
    Answer answer = execute(call, captureId, refundedElsewhere, made);
    if (requestId != null) {
      byRequestId.put(requestId, answer);
    }
    return answer;
  }

  private Answer execute(
      ApiCall call, String captureId, boolean refundedElsewhere, Consumer<String> made) {
    JsonObject body;
    try {
      body = call.body().isBlank() ? new JsonObject() : new JsonObject(call.body());
    } catch (RuntimeException e) {
      return PayPalSimulator.malformedRequest();
    }
    JsonObject capture = resources.get(PayPalSimulator.CAPTURES + captureId);
    JsonObject captured = capture.getJsonObject("amount");
    String currency = captured.getString("currency_code");
    long total = minor(captured.getString("value"), currency);
    long left = total - refunded.getOrDefault(captureId, 0L);
    if (refundedElsewhere || left <= 0) {
      return PayPalSimulator.unprocessable(
          "CAPTURE_FULLY_REFUNDED", "The capture has already been fully refunded");
    }
    long amount = left;
    if (body.getValue("amount") != null) {
      if (!(body.getValue("amount") instanceof JsonObject asked)
          || !(asked.getValue("value") instanceof String value)
          || !(asked.getValue("currency_code") instanceof String code)) {
        return PayPalSimulator.malformedRequest();
      }
      if (!code.toUpperCase(Locale.ROOT).equals(currency)) {
        return PayPalSimulator.unprocessable(
            "CURRENCY_MISMATCH",
            "The currency code of the refund must match the currency code of the capture.");
      }
      try {
        amount = minor(value, currency);
      } catch (MalformedWebhookException e) {
        return e.getMessage().contains("precision")
            ? PayPalSimulator.unprocessable(
                "DECIMAL_PRECISION", "The value of the field should not be more than 2 decimals.")
            : PayPalSimulator.malformedRequest();
      }
      if (amount <= 0) {
        return PayPalSimulator.malformedRequest();
      }
      if (amount > left) {
        return PayPalSimulator.unprocessable(
            "REFUND_AMOUNT_EXCEEDED",
            "The refund amount must be less than or equal to the capture amount that has not yet"
                + " been refunded.");
      }
    }
    String id = PayPalSimulator.newResourceId();
    boolean pending = pendingCaptures.contains(captureId);
    String now = PayPalSimulator.secondsNow();
    JsonObject value = PayPalSimulator.money(Money.toMajor(amount, currency), currency);
    JsonObject refund =
        new JsonObject()
            .put("id", id)
            .put("amount", value)
            .put(
                "seller_payable_breakdown",
                new JsonObject()
                    .put("gross_amount", value)
                    .put("net_amount", value)
                    .put(
                        "total_refunded_amount",
                        PayPalSimulator.money(
                            Money.toMajor(total - left + amount, currency), currency)))
            .put("status", pending ? "PENDING" : "COMPLETED")
            .put("create_time", now)
            .put("update_time", now)
            .put(
                "links",
                new JsonArray()
                    .add(
                        PayPalSimulator.link(
                            apiHost.get() + "/v2/payments/refunds/" + id, "self", "GET"))
                    .add(
                        PayPalSimulator.link(
                            apiHost.get() + "/v2/payments/captures/" + captureId, "up", "GET")));
    if (pending) {
      refund.put("status_details", new JsonObject().put("reason", "ECHECK"));
    }
    for (String field : new String[] {"invoice_id", "note_to_payer", "custom_id"}) {
      if (body.getValue(field) instanceof String text) {
        refund.put(field, text);
      }
    }
    refunded.merge(captureId, amount, Long::sum);
    capture.put("status", total - left + amount >= total ? "REFUNDED" : "PARTIALLY_REFUNDED");
    captureOf.put(id, captureId);
    resources.put(PayPalSimulator.CAPTURE_REFUNDS + id, refund.copy());
    made.accept(id);
    boolean whole = "return=representation".equalsIgnoreCase(call.header("Prefer"));
    return PayPalSimulator.json(
        201,
        whole
            ? refund
            : new JsonObject()
                .put("id", id)
                .put("status", refund.getString("status"))
                .put("links", refund.getJsonArray("links")));
  }

  private static long minor(String value, String currency) {
    return Money.toMinor(value, currency);
  }
}
