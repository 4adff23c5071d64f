package io.paybridge.core.checkout;

import io.paybridge.spi.Captures;
import io.paybridge.spi.Checkouts;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A gateway of the platform's checkout tests that opens payments and captures them as each test
 * scripts: by default it opens {@code tp_<checkout>} with a client secret and captures the whole
 * amount under {@code payment:<reference>}, as a real gateway's webhook for the capture would key
 * it. Every request is recorded, so a test sees the idempotency keys that went out.
 */
final class ScriptedCheckoutGateway implements GatewayPlugin, Checkouts, Captures {

  final List<CheckoutRequest> starts = new CopyOnWriteArrayList<>();
  final List<CaptureRequest> captures = new CopyOnWriteArrayList<>();
  final List<CaptureRequest> cancels = new CopyOnWriteArrayList<>();
  private final Deque<Function<CheckoutRequest, Future<StartedCheckout>>> startScript =
      new ArrayDeque<>();
  private final Deque<Function<CaptureRequest, Future<CaptureOutcome>>> captureScript =
      new ArrayDeque<>();
  private final Deque<Function<CaptureRequest, Future<Void>>> cancelScript = new ArrayDeque<>();

  /** The reference the gateway opens for a checkout by default. */
  static String reference(String checkoutId) {
    return "tp_" + checkoutId.replace("-", "");
  }

  /** The entry a capture books by default: the whole amount, keyed as its webhook would be. */
  static PaymentEvent booking(CaptureRequest r) {
    return PaymentEvent.builder(EventKind.PAYMENT, "payment:" + r.reference(), Instant.now())
        .amount(r.amountMinor(), r.currency())
        .externalPaymentId(r.reference())
        .build();
  }

  synchronized ScriptedCheckoutGateway nextStart(
      Function<CheckoutRequest, Future<StartedCheckout>> answer) {
    startScript.add(answer);
    return this;
  }

  synchronized ScriptedCheckoutGateway nextCapture(
      Function<CaptureRequest, Future<CaptureOutcome>> answer) {
    captureScript.add(answer);
    return this;
  }

  synchronized ScriptedCheckoutGateway nextCancel(Function<CaptureRequest, Future<Void>> answer) {
    cancelScript.add(answer);
    return this;
  }

  @Override
  public String id() {
    return "tillpay";
  }

  @Override
  public String displayName() {
    return "Tillpay";
  }

  @Override
  public CredentialSchema credentialSchema() {
    return CredentialSchema.of(CredentialField.secret("key", "Key", "the account's key"));
  }

  @Override
  public List<EventRule> eventTable() {
    return List.of();
  }

  @Override
  public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    return Future.succeededFuture(Verdict.rejected("the tests record deliveries directly"));
  }

  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    throw new UnsupportedOperationException("the tests record deliveries directly");
  }

  @Override
  public Future<StartedCheckout> start(CheckoutRequest request, Credentials credentials) {
    starts.add(request);
    Function<CheckoutRequest, Future<StartedCheckout>> scripted;
    synchronized (this) {
      scripted = startScript.poll();
    }
    if (scripted != null) {
      return scripted.apply(request);
    }
    String reference = reference(request.checkoutId());
    return Future.succeededFuture(
        new StartedCheckout(
            reference,
            new JsonObject()
                .put("clientSecret", reference + "_secret_" + request.idempotencyKey().length())
                .put("reference", reference)));
  }

  @Override
  public Future<CaptureOutcome> capture(CaptureRequest request, Credentials credentials) {
    captures.add(request);
    Function<CaptureRequest, Future<CaptureOutcome>> scripted;
    synchronized (this) {
      scripted = captureScript.poll();
    }
    return scripted != null
        ? scripted.apply(request)
        : Future.succeededFuture(CaptureOutcome.captured(booking(request)));
  }

  @Override
  public Future<Void> cancel(CaptureRequest request, Credentials credentials) {
    cancels.add(request);
    Function<CaptureRequest, Future<Void>> scripted;
    synchronized (this) {
      scripted = cancelScript.poll();
    }
    return scripted != null ? scripted.apply(request) : Future.succeededFuture();
  }
}
