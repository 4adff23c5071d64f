package io.paybridge.gateway.razorpay;

import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.Checkouts;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.CredentialShape;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.GatewayIdentity;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.Refunds;
import io.paybridge.spi.RejectionCause;
import io.paybridge.spi.Renewals;
import io.paybridge.spi.RestApiGatewayPlugin;
import io.paybridge.spi.Signatures;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;

/**
 * Razorpay webhooks, implemented on the JDK without Razorpay's SDK.
 *
 * <h2>Authenticity</h2>
 *
 * {@code X-Razorpay-Signature} is the hex HMAC-SHA256 of the raw body keyed with the webhook secret
 * the tenant set on the endpoint. The scheme has no timestamp, so a captured delivery can be
 * replayed; deduplication on keys taken from the signed body makes a replay change nothing.
 *
 * <h2>Dedupe key</h2>
 *
 * The receipt's dedupe key is built from the signed body only, as
 *
 * <pre>{@code <event>:<entity id>[:<entity id>...]@<created_at>}</pre>
 *
 * the event name, the {@code id} of every entity in {@code payload} (ordered by entity name:
 * dispute, order, payment, refund, subscription) and the event's own {@code created_at}. Razorpay
 * retries an event with the very body it signed, so retries share the key; distinct events differ
 * in their entities or, for a repeat on one entity (a subscription halted twice), in their creation
 * time. The {@code x-razorpay-event-id} header is not signed, so neither this key nor any ledger
 * key depends on it: one signed body replayed under fresh header ids is one event.
 *
 * <h2>Meaning</h2>
 *
 * The body is {@code {"entity":"event","event":…,"contains":[…],"payload":{"payment":{"entity":…},
 * …},"created_at":…}}. Amounts are integer minor units (paise for INR) and pass through unchanged.
 * {@link #eventTable()} ({@code RazorpayEventTable}) lists every event with what it books or why it
 * books nothing; in short:
 *
 * <ul>
 *   <li>{@code payment.authorized}: funds authorized, keyed {@code authorized:<payment id>}.
 *   <li>{@code payment.captured}, {@code order.paid}: a payment keyed {@code payment:<payment id>}.
 *   <li>{@code subscription.charged}: a recurring charge keyed {@code payment:<payment id>}, the
 *       same key as that payment's {@code payment.captured}, with the subscription id and its
 *       {@code current_end} as period end.
 *   <li>{@code subscription.halted}, {@code .cancelled}, {@code .completed}: the subscription
 *       ended, keyed {@code cancel:<subscription id>:<event>}.
 *   <li>{@code refund.processed}: a negative refund keyed {@code refund:<refund id>}; {@code
 *       refund.failed}: that refund and its reversal {@code refund_reversal:<refund id>}, so the
 *       ledger nets to zero whichever arrives first. Auto-refunds of payments Razorpay never
 *       captured ({@code payload.payment.entity.captured} false) book nothing.
 *   <li>Disputes: Razorpay deducts the disputed amount when a dispute is raised ("Deduct at Onset")
 *       and returns it when the dispute is won. {@code payment.dispute.created} and {@code .lost}
 *       book a negative {@link EventKind#DISPUTE} keyed {@code dispute:<dispute id>}; {@code .won},
 *       and {@code .closed} without an {@code amount_deducted}, book that debit and a {@link
 *       EventKind#DISPUTE_REVERSED} keyed {@code dispute_reversal:<dispute id>}, so the ledger nets
 *       to zero whatever order the events arrive in. {@code .under_review} and {@code
 *       .action_required} move no money.
 * </ul>
 *
 * Everything else is acknowledged and kept with the reason. The customer reference is the {@code
 * notes} value under the account's {@code customerRefKey} (default {@value
 * #DEFAULT_CUSTOMER_REF_KEY}) on the payment, then on the order, subscription or refund the event
 * carries, else the payment's or the subscription's {@code customer_id}. Razorpay sends {@code
 * notes} as an empty array when there are none, and {@code captured} as {@code true} or {@code
 * "1"}; both forms are read.
 *
 * <h2>API calls</h2>
 *
 * As {@link Renewals} the plugin reads a subscription's state, and as {@link CancelAndRefund} it
 * cancels a subscription and refunds its payment, through Razorpay's REST API at {@value
 * #DEFAULT_API_BASE} (setting {@value #API_BASE_SETTING}; total time per call from {@value
 * #API_TIMEOUT_SETTING}, in milliseconds, default {@link GatewayHttp#DEFAULT_TIMEOUT_MS}),
 * authenticated with HTTP Basic from the account's {@code keyId} and {@code keySecret}. The details
 * are in {@code RazorpayApi}. As {@link Checkouts} it creates a Razorpay order for the checkout
 * ({@code RazorpayOrders}), whose id is the checkout's reference. As {@link Refunds} it refunds
 * payments by amount under each refund request's key ({@code RazorpayRefundCalls}).
 */
public final class RazorpayPlugin extends RestApiGatewayPlugin<RazorpayApi>
    implements Checkouts, Refunds {

  public static final String ID = "razorpay";
  public static final String SIGNATURE_HEADER = "X-Razorpay-Signature";

  /** Razorpay's delivery id header: not signed, so never a dedupe or ledger key. */
  public static final String EVENT_ID_HEADER = "x-razorpay-event-id";

  public static final String KEY_ID = "keyId";
  public static final String KEY_SECRET = "keySecret";
  public static final String WEBHOOK_SECRET = "webhookSecret";
  public static final String CUSTOMER_REF_KEY = "customerRefKey";
  public static final String DEFAULT_CUSTOMER_REF_KEY = "customer_ref";

  /** Setting naming the base URL of Razorpay's API; tests point it at a fake. */
  public static final String API_BASE_SETTING = "razorpay.api.base";

  public static final String DEFAULT_API_BASE = "https://api.razorpay.com";

  /** Setting for the total time one API call may take, in milliseconds. */
  public static final String API_TIMEOUT_SETTING = "razorpay.api.timeout.ms";

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
                  KEY_ID,
                  "Key id",
                  "Dashboard > Account & Settings > API keys: the key id (rzp_live_… or rzp_test_…)")
              .shaped(
                  CredentialShape.of(
                      "rzp_(live|test)_[A-Za-z0-9]{6,}",
                      "the API key id, which starts with rzp_live_ or rzp_test_")),
          CredentialField.secret(
                  KEY_SECRET, "Key secret", "Shown once when the API key is generated")
              .shaped(
                  CredentialShape.of(
                          "[A-Za-z0-9]{16,}",
                          "the API key's secret: at least 16 letters and digits, shown once when"
                              + " the key is generated")
                      .unless("rzp_", "the key id")),
          CredentialField.secret(
                  WEBHOOK_SECRET,
                  "Webhook secret",
                  "The secret you entered when adding this webhook URL under Webhooks; save the"
                      + " account first to get the URL, then enter the same secret in both places")
              .verifyingWebhooks()
              .shaped(
                  CredentialShape.of(
                          "[!-~]{6,}",
                          "the secret you typed in Razorpay's webhook setup: at least 6 characters"
                              + " without spaces")
                      .unless("rzp_", "an API key id")),
          CredentialField.text(
                  CUSTOMER_REF_KEY,
                  "Customer reference notes key",
                  "The notes key under which your integration stores your own customer reference")
              .optional(DEFAULT_CUSTOMER_REF_KEY));

  /** The plugin as {@link java.util.ServiceLoader} creates it. */
  public RazorpayPlugin() {
    super(
        new GatewayIdentity(ID, "Razorpay", SCHEMA, RazorpayEventTable.ROWS),
        "Razorpay signature",
        API_BASE_SETTING,
        DEFAULT_API_BASE,
        API_TIMEOUT_SETTING,
        RazorpayApi::new);
  }

  /** Creates a Razorpay order for the checkout; see {@code RazorpayOrders}. */
  @Override
  public Future<StartedCheckout> start(CheckoutRequest request, Credentials credentials) {
    String refKey = credentials.getOrDefault(CUSTOMER_REF_KEY, DEFAULT_CUSTOMER_REF_KEY);
    return withApi(api -> api.orders().start(request, refKey, credentials));
  }

  @Override
  protected Verdict check(WebhookRequest request, Credentials credentials) {
    if (credentials.firstMissing(WEBHOOK_SECRET) != null) {
      return Verdict.rejected(
          RejectionCause.WRONG_SECRET, "the account has no Razorpay webhookSecret");
    }
    String signature = request.header(SIGNATURE_HEADER);
    if (signature == null || signature.isBlank()) {
      return Verdict.rejected(RejectionCause.UNSIGNED, "no X-Razorpay-Signature header");
    }
    byte[] expected =
        Signatures.hmacSha256(
            Signatures.utf8(credentials.get(WEBHOOK_SECRET)), request.body().getBytes());
    return Signatures.hexEquals(expected, signature)
        ? Verdict.ok()
        : Verdict.rejected(
            RejectionCause.WRONG_SECRET, "X-Razorpay-Signature does not match the body");
  }

  /** What the delivery books; see {@code RazorpayMapping}. */
  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    return RazorpayMapping.parse(
        request.body(), credentials.getOrDefault(CUSTOMER_REF_KEY, DEFAULT_CUSTOMER_REF_KEY));
  }

  /** Refunds a payment, or part of it ({@code RazorpayRefundCalls}). */
  @Override
  public Future<RefundOutcome> refund(RefundRequest request, Credentials credentials) {
    return withApi(
        client ->
            client
                .refunds()
                .refund(
                    request,
                    credentials.getOrDefault(CUSTOMER_REF_KEY, DEFAULT_CUSTOMER_REF_KEY),
                    credentials));
  }
}
