package io.paybridge.gateway.stripe;

import io.paybridge.spi.CancelAndRefund;
import io.paybridge.spi.Captures;
import io.paybridge.spi.Checkouts;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.CredentialShape;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.GatewayIdentity;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentMethodSetup;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.Refunds;
import io.paybridge.spi.RejectionCause;
import io.paybridge.spi.Renewals;
import io.paybridge.spi.RestApiGatewayPlugin;
import io.paybridge.spi.Signatures;
import io.paybridge.spi.StoredPaymentMethods;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Stripe webhooks: snapshot events ({@code {"id":"evt_…","type":…,"data":{"object":{…}}}}) signed
 * in the {@code Stripe-Signature} header, implemented on the JDK without Stripe's SDK. The page
 * {@code docs/gateways/stripe.md} says the same for merchants.
 *
 * <h2>Authenticity</h2>
 *
 * The header is {@code t=<unix seconds>,v1=<hex>[,v1=<hex>…]}. Each {@code v1} is the lower-case
 * hex HMAC-SHA256, keyed with the endpoint's whole signing secret ({@code whsec_…} as UTF-8, not
 * decoded), of {@code <t>.<raw body>}. Any {@code v1} may match, so deliveries keep verifying while
 * the secret is rolled; other schemes ({@code v0}) are ignored. The timestamp must lie within
 * {@link #TOLERANCE} of the time the platform received the delivery, in either direction, which
 * bounds replays of a captured delivery.
 *
 * <h2>Meaning</h2>
 *
 * Amounts become ISO-4217 minor units (see {@code StripeAmounts}), currencies upper case. One money
 * movement has one ledger key, whichever of Stripe's events announces it, so it books once: {@code
 * payment:<payment intent id>}, {@code invoice:<invoice id>}, {@code refund:<refund id>}, {@code
 * dispute:<dispute id>}. The customer reference is the object's metadata value under the account's
 * {@code customerRefKey} (default {@value #DEFAULT_CUSTOMER_REF_KEY}), else Stripe's customer id;
 * refunds and disputes that carry neither inherit it from the payment they name. The full table is
 * {@link #eventTable()} ({@code StripeEventTable}):
 *
 * <ul>
 *   <li>{@code payment_intent.succeeded}, {@code charge.succeeded}, {@code charge.captured}: a
 *       payment ({@code payment:<payment intent>}). A payment of an invoice books as that invoice
 *       does ({@code invoice:<invoice>}, recurring for a subscription's). Before API 2025-03-31 the
 *       payment intent or charge names its invoice and is left to the invoice's events; from
 *       2025-03-31 it names none, and Stripe is asked ({@code GET /v1/invoice_payments}). A charge
 *       that is only authorized ({@code captured: false}) is not yet money received.
 *   <li>{@code checkout.session.completed}: a payment once {@code payment_status} is {@code paid};
 *       a subscription-mode session is keyed by its first invoice ({@code invoice:<id>}) and
 *       carries the subscription id.
 *   <li>{@code charge.refunded}: each succeeded refund of the charge under its own key, the key
 *       {@code refund.created} and {@code refund.updated} use. The event lists the refunds only
 *       before API 2022-11-15; otherwise they are listed with {@code GET /v1/refunds?charge=}, all
 *       pages.
 *   <li>{@code refund.created}, {@code refund.updated}: a refund once succeeded. {@code
 *       refund.failed}, and a refund that turns {@code failed} or {@code canceled}: the refund and
 *       its reversal ({@code refund_reversal:<id>}), which net to zero whether or not the refund
 *       had been booked.
 *   <li>{@code invoice.paid}, {@code invoice.payment_succeeded}: a recurring charge keyed {@code
 *       invoice:<id>} with the subscription id from {@code subscription} or, from API version
 *       2025-03-31, {@code parent.subscription_details}; an invoice outside any subscription is a
 *       plain payment; an unpaid or zero invoice books nothing.
 *   <li>{@code charge.dispute.funds_withdrawn}: a dispute ({@code dispute:<id>}, negative); {@code
 *       charge.dispute.funds_reinstated}: the dispute and its reversal ({@code
 *       dispute_reversal:<id>}), the amounts those of the dispute's balance transactions.
 *   <li>{@code customer.subscription.deleted}: a subscription cancelled.
 * </ul>
 *
 * Everything else is acknowledged and kept with the reason it books nothing.
 *
 * <h2>Deliveries that need Stripe's API</h2>
 *
 * {@link #parse} reads the body alone; a delivery that only Stripe's API can complete ({@code
 * charge.refunded} without its refunds, a payment on API 2025-03-31 or later) parses as {@linkplain
 * ParsedWebhook#held held} for want of an API key, and {@link #resolve} completes it with the
 * account's {@code apiKey}. When Stripe refuses the key (401, 403), does not know the object under
 * it (another account), or the key's mode is not the event's, the delivery stays held as {@link
 * ParsedWebhook#API_CREDENTIALS_REJECTED}; the platform books held deliveries once the tenant saves
 * a working key. A timeout, a 5xx or a 429 fails the future with a retryable {@link
 * GatewayApiException}, so Stripe delivers again later.
 *
 * <h2>API calls</h2>
 *
 * Those lookups, and as {@link Renewals} reading a subscription's state and as {@link
 * CancelAndRefund} cancelling a subscription and refunding its charge, go to Stripe's REST API at
 * {@value #DEFAULT_API_BASE} (setting {@value #API_BASE_SETTING}; total time per call from {@value
 * #API_TIMEOUT_SETTING}, in milliseconds, default {@link GatewayHttp#DEFAULT_TIMEOUT_MS}). Calls
 * authenticate with the account's optional {@code apiKey} and pin {@code Stripe-Version} to {@value
 * #API_VERSION}. The details are in {@code StripeApi}. As {@link StoredPaymentMethods} it charges
 * saved cards off-session ({@code StripeCharges}); as {@link PaymentMethodSetup} it saves them with
 * a SetupIntent that Stripe.js confirms in the customer's browser with the account's optional
 * {@code publishableKey} ({@code StripeSetups}). As {@link Refunds} it refunds payments by amount
 * under each refund request's key ({@code StripeRefundCalls}).
 *
 * <p>As {@link Checkouts} and {@link Captures} it opens PaymentIntents for manual capture and
 * captures or cancels them ({@code StripeCheckouts}) when their events ask ({@code
 * StripeCheckoutEvents}): an authorization books nothing, the capture books once.
 */
public final class StripePlugin extends RestApiGatewayPlugin<StripeApi>
    implements StoredPaymentMethods, PaymentMethodSetup, Refunds, Checkouts, Captures {

  public static final String ID = "stripe";
  public static final String SIGNATURE_HEADER = "Stripe-Signature";

  /** How far a signature's timestamp may be from the receiving time, either way. */
  public static final Duration TOLERANCE = Duration.ofSeconds(300);

  public static final String WEBHOOK_SECRET = "webhookSecret";
  public static final String API_KEY = "apiKey";
  public static final String CUSTOMER_REF_KEY = "customerRefKey";
  public static final String DEFAULT_CUSTOMER_REF_KEY = "customer_ref";
  public static final String PUBLISHABLE_KEY = "publishableKey";

  /** The API version whose object shapes the plugin reads; sent with every API call. */
  public static final String API_VERSION = "2025-03-31.basil";

  /** Setting naming the base URL of Stripe's API; tests point it at a fake. */
  public static final String API_BASE_SETTING = "stripe.api.base";

  public static final String DEFAULT_API_BASE = "https://api.stripe.com";

  /** Setting for the total time one API call may take, in milliseconds. */
  public static final String API_TIMEOUT_SETTING = "stripe.api.timeout.ms";

  private static final String SECRET_PREFIX = "whsec_";
  private static final byte[] DOT = {'.'};

  /** An endpoint's signing secret, as Stripe shows it under the endpoint. */
  private static final CredentialShape SIGNING_SECRET =
      CredentialShape.of(
              "whsec_[A-Za-z0-9+/=]{24,}",
              "the endpoint's signing secret, which starts with whsec_ followed by at least 24"
                  + " letters and digits")
          .unless("sk_", "a secret API key")
          .unless("rk_", "a restricted API key")
          .unless("pk_", "a publishable key")
          .unless("we_", "the endpoint's id");

  private static final CredentialShape API_KEY_SHAPE =
      CredentialShape.of(
              "(sk|rk)_(test|live)_[A-Za-z0-9]{10,}",
              "a secret (sk_test_, sk_live_) or restricted (rk_test_, rk_live_) API key")
          .unless("whsec_", "the webhook signing secret")
          .unless("pk_", "a publishable key");

  private static final CredentialShape PUBLISHABLE_SHAPE =
      CredentialShape.of(
              "pk_(test|live)_[A-Za-z0-9]{10,}", "a publishable key, which starts with pk_")
          .unless("sk_", "a secret API key")
          .unless("rk_", "a restricted API key")
          .unless("whsec_", "the webhook signing secret");

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.secret(
                  WEBHOOK_SECRET,
                  "Webhook signing secret",
                  "Dashboard > Developers > Webhooks > your endpoint > Signing secret; starts with"
                      + " whsec_. Stripe shows it once the endpoint is added: save the account"
                      + " without it first, add the webhook URL in Stripe, then paste it here")
              .verifyingWebhooks()
              .shaped(SIGNING_SECRET),
          CredentialField.secret(
                  API_KEY,
                  "Secret API key",
                  "Dashboard > Developers > API keys: a secret (sk_) or restricted (rk_) key of"
                      + " the same account and mode as the webhooks. Needed to book charge.refunded"
                      + " (read refunds) and, from API version 2025-03-31, payment_intent.succeeded"
                      + " and charge.succeeded (read invoices); such deliveries are held until it"
                      + " is added. Subscription checks and cancel-and-refund also need write"
                      + " access to subscriptions and refunds; checkouts need write access to"
                      + " payment intents and read access to reviews")
              .optional(null)
              .shaped(API_KEY_SHAPE),
          CredentialField.text(
                  CUSTOMER_REF_KEY,
                  "Customer reference metadata key",
                  "The metadata key under which your integration stores your own customer reference")
              .optional(DEFAULT_CUSTOMER_REF_KEY),
          CredentialField.text(
                  PUBLISHABLE_KEY,
                  "Publishable key",
                  "Dashboard > Developers > API keys: the publishable key (pk_) of the same account"
                      + " and mode as the secret key. Used by the card form shown to customers who"
                      + " save a card")
              .optional(null)
              .shaped(PUBLISHABLE_SHAPE));

  /** The plugin as {@link java.util.ServiceLoader} creates it. */
  public StripePlugin() {
    super(
        new GatewayIdentity(ID, "Stripe", SCHEMA, StripeEventTable.ROWS),
        "Stripe signature",
        API_BASE_SETTING,
        DEFAULT_API_BASE,
        API_TIMEOUT_SETTING,
        StripeApi::new);
  }

  @Override
  protected Verdict check(WebhookRequest request, Credentials credentials) {
    String secret = credentials.get(WEBHOOK_SECRET);
    if (secret == null || !secret.startsWith(SECRET_PREFIX)) {
      return Verdict.rejected(
          RejectionCause.WRONG_SECRET,
          "the account's webhookSecret is not a Stripe signing secret (whsec_...)");
    }
    String value = request.header(SIGNATURE_HEADER);
    if (value == null || value.isBlank()) {
      return Verdict.rejected(RejectionCause.UNSIGNED, "no Stripe-Signature header");
    }
    StripeSignatureHeader header;
    try {
      header = StripeSignatureHeader.parse(value);
    } catch (IllegalArgumentException e) {
      return Verdict.rejected(RejectionCause.UNSIGNED, e.getMessage());
    }
    long skew = request.receivedAt().getEpochSecond() - header.epochSecond();
    if (Math.abs(skew) > TOLERANCE.toSeconds()) {
      return Verdict.rejected(
          RejectionCause.STALE,
          "Stripe-Signature timestamp is "
              + Math.abs(skew)
              + " s "
              + (skew > 0 ? "old" : "in the future")
              + ", tolerance "
              + TOLERANCE.toSeconds()
              + " s");
    }
    byte[] expected =
        Signatures.hmacSha256(
            Signatures.utf8(secret),
            Signatures.utf8(header.timestamp()),
            DOT,
            request.body().getBytes());
    boolean matches = false;
    for (String signature : header.v1()) {
      matches |= Signatures.hexEquals(expected, signature);
    }
    return matches
        ? Verdict.ok()
        : Verdict.rejected(
            RejectionCause.WRONG_SECRET, "no v1 signature in Stripe-Signature matches");
  }

  /**
   * What the delivery means as far as its body tells. A delivery that Stripe's API must complete
   * comes back held for want of an API key; {@link #resolve} completes it.
   */
  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    return reading(request, credentials).webhook();
  }

  /**
   * Completes a delivery that {@link #parse} held for Stripe's API, with the account's {@code
   * apiKey}; others pass as they are, and so does a held one when the account has no key.
   */
  @Override
  public Future<ParsedWebhook> resolve(
      WebhookRequest request, ParsedWebhook parsed, Credentials credentials) {
    String apiKey = credentials.get(API_KEY);
    if (!ParsedWebhook.NEEDS_API_CREDENTIALS.equals(parsed.hold())
        || apiKey == null
        || apiKey.isBlank()) {
      return Future.succeededFuture(parsed);
    }
    return withApi(
        client -> {
          try {
            StripeEvent event = StripeEvent.read(request.body());
            Reading.Lookup lookup = mapping(event, credentials).read().lookup();
            if (lookup == null) {
              return Future.succeededFuture(parsed);
            }
            String otherMode = otherMode(event, apiKey);
            if (otherMode != null) {
              return Future.succeededFuture(rejected(parsed, otherMode));
            }
            return lookup.run(client, apiKey).recover(err -> refusedKey(parsed, lookup, err));
          } catch (RuntimeException e) {
            return Future.failedFuture(e);
          }
        });
  }

  private static Reading reading(WebhookRequest request, Credentials credentials) {
    return mapping(StripeEvent.readForMapping(request.body()), credentials).read();
  }

  private static StripeMapping mapping(StripeEvent event, Credentials credentials) {
    return new StripeMapping(event, customerRefKey(credentials));
  }

  /**
   * Why the key cannot answer for the event when their modes differ (a test key for live events, or
   * the other way round), else {@code null}. Keys of unknown form are left to Stripe to judge.
   */
  private static String otherMode(StripeEvent event, String apiKey) {
    boolean testKey = apiKey.startsWith("sk_test_") || apiKey.startsWith("rk_test_");
    boolean liveKey = apiKey.startsWith("sk_live_") || apiKey.startsWith("rk_live_");
    if (event.livemode() == null || (!testKey && !liveKey) || event.livemode() == liveKey) {
      return null;
    }
    return "the account's apiKey is a "
        + (liveKey ? "live" : "test")
        + "-mode key, but this event comes from "
        + (event.livemode() ? "live" : "test")
        + " mode: save the key of the same mode as the webhook endpoint";
  }

  /**
   * A lookup Stripe refused: held when the account's key is at fault, which only the tenant can
   * fix; any other failure, retryable or not, fails the delivery as it is.
   */
  private static Future<ParsedWebhook> refusedKey(
      ParsedWebhook parsed, Reading.Lookup lookup, Throwable err) {
    if (err instanceof GatewayApiException refusal
        && !(refusal instanceof PermanentGatewayException)) {
      int status = refusal.status();
      if (status == 401 || status == 403) {
        return Future.succeededFuture(
            rejected(
                parsed,
                "Stripe refused the account's apiKey (HTTP "
                    + status
                    + ") when asked to "
                    + lookup.question()
                    + ": save a valid secret (sk_) key, or a restricted (rk_) key with read access"
                    + " to refunds and invoices"));
      }
      if ("resource_missing".equals(StripeApi.errorCode(refusal))) {
        return Future.succeededFuture(
            rejected(
                parsed,
                "Stripe does not know what this event names under the account's apiKey (asked to "
                    + lookup.question()
                    + "): the key belongs to another Stripe account; save this account's key"));
      }
    }
    return Future.failedFuture(err);
  }

  private static ParsedWebhook rejected(ParsedWebhook parsed, String reason) {
    return ParsedWebhook.held(
        parsed.eventId(), parsed.eventType(), ParsedWebhook.API_CREDENTIALS_REJECTED, reason);
  }

  /** Checks a stored card or other method with Stripe ({@link StripeCharges}). */
  @Override
  public Future<MethodDetails> describe(
      String customer, String paymentMethod, Credentials credentials) {
    return withApi(client -> client.charges().describe(customer, paymentMethod, credentials));
  }

  /**
   * Charges a stored method off-session with a payment intent, the customerRef in the metadata key
   * the account books customer references from ({@link StripeCharges}).
   */
  @Override
  public Future<ChargeOutcome> charge(OffSessionCharge charge, Credentials credentials) {
    return withApi(
        client -> client.charges().charge(charge, customerRefKey(credentials), credentials));
  }

  /** Opens a checkout's PaymentIntent for manual capture ({@link StripeCheckouts}). */
  @Override
  public Future<StartedCheckout> start(CheckoutRequest request, Credentials credentials) {
    return withApi(client -> client.checkouts().start(request, credentials));
  }

  /** Captures a checkout's authorized PaymentIntent ({@link StripeCheckouts}). */
  @Override
  public Future<CaptureOutcome> capture(CaptureRequest request, Credentials credentials) {
    return withApi(client -> client.checkouts().capture(request, credentials));
  }

  /** Cancels a checkout's PaymentIntent that is not captured ({@link StripeCheckouts}). */
  @Override
  public Future<Void> cancel(CaptureRequest request, Credentials credentials) {
    return withApi(client -> client.checkouts().cancel(request, credentials));
  }

  /** The metadata key under which the account keeps its customer references. */
  static String customerRefKey(Credentials credentials) {
    return credentials.getOrDefault(CUSTOMER_REF_KEY, DEFAULT_CUSTOMER_REF_KEY);
  }

  /** Starts saving a card with a setup intent for Stripe.js to confirm ({@link StripeSetups}). */
  @Override
  public Future<SetupStart> startSetup(
      String customerRef, String customer, Credentials credentials) {
    return withApi(client -> client.setups().startSetup(customerRef, customer, credentials));
  }

  /** How a setup intent ended, read from Stripe ({@link StripeSetups}). */
  @Override
  public Future<SetupResult> setupResult(String setupId, Credentials credentials) {
    return withApi(client -> client.setups().setupResult(setupId, credentials));
  }

  /**
   * Refunds a payment, or part of it, under the refund request's idempotency key, the customerRef
   * in the metadata key the account books customer references from ({@link StripeRefundCalls}).
   */
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
