package io.paybridge.gateway.code;

import static io.paybridge.spi.JwsAlgorithm.EDDSA;

import io.paybridge.spi.Checkouts;
import io.paybridge.spi.CompactJws;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.CredentialShape;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayIdentity;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.Json;
import io.paybridge.spi.JwsException;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.PureCheckGatewayPlugin;
import io.paybridge.spi.RejectionCause;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.PublicKey;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;

/**
 * The Code wallet (code-payments) as a Paybridge gateway.
 *
 * <p><b>Authenticity.</b> Code posts the webhook of a payment intent as a compact JWT ({@code
 * Content-Type: application/jwt}; the header is not required) whose JOSE header is {@code
 * {"alg":"EdDSA","typ":"JWT"}} and whose signature is Ed25519 over the ASCII text {@code
 * base64url(header).base64url(payload)} as received, made with the wallet's key. Its public key is
 * published in Base58 ({@value #PUBLISHED_PUBLIC_KEY}) and is the default of the {@value
 * #PUBLIC_KEY_FIELD} credential. Only {@code EdDSA} is accepted (never {@code none} or an HMAC
 * algorithm keyed with the public key), the token must be canonical base64url so that every
 * single-byte change is detected, and the JWT carries no expiry, so there is no freshness check:
 * replays are harmless because deliveries are deduplicated on the intent id.
 *
 * <p><b>Whose payment.</b> Code signs every merchant's webhooks with that one key, so a valid
 * signature proves only that Code sent the token, not that the payment was made to this account:
 * anyone can pay their own wallet and post the resulting JWT to somebody else's webhook URL. Each
 * account therefore names its Code wallet's deposit address ({@value #DEPOSIT_ADDRESS_FIELD},
 * required, Base58 of 32 bytes), and {@link #verify} refuses a token whose {@code destination} (the
 * token account the intent paid, as Code's sequencer fills it in) is another address, or that is a
 * payment naming none, with the reason {@code payment to deposit address X, not this account's Y}.
 * Such a refusal is answered 200 ({@link #reject(WebhookRequest, Verdict)}), because Code retries
 * until it gets exactly 200 and a retry cannot change whose payment it was; the platform keeps it
 * as a rejected receipt. A token whose signature does not verify keeps the platform's usual answer,
 * 401.
 *
 * <p><b>Meaning.</b> The claims of a paid intent are {@code intent} (its Base58 id), {@code state}
 * (always {@code SUBMITTED}), {@code amount} (a JSON number in {@code currency}, an ISO-4217 code),
 * {@code quarks} (what was paid, in Kin's smallest unit), {@code fees} (quarks), {@code
 * exchangeRate}, {@code destination}, and {@code user} when the intent also asked the payer to log
 * in. {@code SUBMITTED} becomes one {@link EventKind#PAYMENT} with entry key {@code
 * payment:<intent>}, external payment id and dedupe key the intent id, and customer reference the
 * {@code user} (the payer's per-app Code identity, absent unless login was requested). The time is
 * {@code iat} when present (Code sends none today), else when Paybridge received the delivery. Any
 * other state is acknowledged and ignored with the reason, under the key {@code <intent>:<state>}
 * so that it can never shadow a later {@code SUBMITTED} of the same intent. A login-only webhook
 * (claims {@code user} only, no intent and no state) is acknowledged and ignored too. The events
 * table ({@link #eventTable()}) lists both.
 *
 * <p><b>Amounts.</b> With {@code amount} and a fiat {@code currency}, the amount is converted to
 * the currency's minor units with its real exponent, exactly: the JSON number's text becomes a
 * {@link BigDecimal} (never a {@code double} calculation), and an amount finer than the currency's
 * minor unit is refused as malformed rather than rounded. Without a fiat amount, or when the
 * currency is Kin itself, the event is booked in Kin: currency code {@value #KIN}, whose minor unit
 * is the quark (exponent {@value #KIN_EXPONENT}, 1 Kin = 100 000 quarks), so {@code amountMinor} is
 * the exact {@code quarks} integer and {@code feeMinor} the {@code fees} quarks. {@code KIN} is not
 * an ISO-4217 code; {@link Money} knows its exponent, but consumers that format amounts must treat
 * it specially.
 *
 * <p><b>Answer.</b> Code retries until it receives exactly HTTP 200, so every authentic outcome is
 * answered with an empty 200, and so is a refusal for another deposit address.
 *
 * <p><b>Checkouts.</b> As {@link Checkouts} the plugin gives the merchant's app what the payment
 * intent it creates with Code's SDK must name ({@link CodeCheckouts}): the webhook URL, the deposit
 * address, the amount and currency. No call is made; the intent's webhook books the intent id as
 * the external payment id.
 */
public final class CodePlugin extends PureCheckGatewayPlugin implements Checkouts {

  /** The gateway id used in URLs and storage. */
  public static final String ID = "code";

  /** Credential field holding the Base58 Ed25519 key webhooks are verified with. */
  public static final String PUBLIC_KEY_FIELD = "publicKey";

  /** Credential field holding the Base58 deposit address of the merchant's Code wallet. */
  public static final String DEPOSIT_ADDRESS_FIELD = "depositAddress";

  /** The key the Code sequencer signs webhooks with, as published in the Code SDK documentation. */
  public static final String PUBLISHED_PUBLIC_KEY = "codeHy87wGD5oMRLG75qKqsSi1vWE3oxNyYmXo5F9YR";

  /** The only intent state Code sends a webhook for: the payment was submitted. */
  public static final String STATE_SUBMITTED = "SUBMITTED";

  /** Currency code of events booked in Kin; its minor unit is the quark. */
  public static final String KIN = "KIN";

  /** Decimal places of Kin: 1 Kin = 10^5 quarks. */
  public static final int KIN_EXPONENT = 5;

  /** Event type of an ignored login-only webhook, which carries no state. */
  public static final String LOGIN = "LOGIN";

  /** Far above any real webhook (a few hundred bytes); bounds the work an attacker can cause. */
  static final int MAX_TOKEN_LENGTH = 16 * 1024;

  private static final int KEY_CACHE_CAPACITY = 1024;

  private static final CredentialSchema SCHEMA =
      CredentialSchema.of(
          CredentialField.text(
                  PUBLIC_KEY_FIELD,
                  "Webhook public key",
                  "Base58 Ed25519 key the Code sequencer signs webhooks with. Leave empty for the"
                      + " key published in the Code SDK documentation.")
              .optional(PUBLISHED_PUBLIC_KEY),
          CredentialField.text(
                  DEPOSIT_ADDRESS_FIELD,
                  "Deposit address",
                  "Your Code wallet's deposit address (Code app > Settings > Deposit Kin), the"
                      + " destination you give your payment intents. Code signs every merchant's"
                      + " webhooks with the same key, so only payments to this address are booked.")
              .shaped(
                  CredentialShape.of(
                      "[1-9A-HJ-NP-Za-km-z]{32,44}",
                      "your Code wallet's Base58 deposit address (Code app > Settings > Deposit"
                          + " Kin)")));

  private static final List<EventRule> EVENT_TABLE =
      List.of(
          EventRule.books(
              STATE_SUBMITTED,
              "PAYMENT under payment:<intent>, in the intent's fiat currency (or in KIN quarks),"
                  + " when destination is this account's deposit address; a payment to another"
                  + " address is refused and answered 200"),
          EventRule.ignores(
              LOGIN, "a login-only intent: Code reports which user logged in, and no money moved"));

  private final Ed25519Keys keys;

  /** The plugin as {@link java.util.ServiceLoader} creates it. */
  public CodePlugin() {
    this(new Ed25519Keys(KEY_CACHE_CAPACITY));
  }

  CodePlugin(Ed25519Keys keys) {
    super(new GatewayIdentity(ID, "Code wallet", SCHEMA, EVENT_TABLE), "Code webhook");
    this.keys = keys;
  }

  /** What the app's payment intent must name; see {@link CodeCheckouts}. */
  @Override
  public Future<StartedCheckout> start(CheckoutRequest request, Credentials credentials) {
    try {
      return Future.succeededFuture(CodeCheckouts.start(request, credentials));
    } catch (PermanentGatewayException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Checks that {@value #PUBLIC_KEY_FIELD} is a Base58 32-byte Ed25519 key and that {@value
   * #DEPOSIT_ADDRESS_FIELD} is a Base58 32-byte address.
   */
  @Override
  protected Credentials checkCredentials(Credentials credentials) {
    try {
      keys.get(publicKeyOf(credentials));
    } catch (IllegalArgumentException e) {
      throw new InvalidCredentialsException(
          PUBLIC_KEY_FIELD, "Webhook public key " + e.getMessage());
    }
    try {
      DepositAddress.parse(credentials.require(DEPOSIT_ADDRESS_FIELD));
    } catch (IllegalArgumentException e) {
      throw new InvalidCredentialsException(
          DEPOSIT_ADDRESS_FIELD, "Deposit address " + e.getMessage());
    }
    return credentials;
  }

  @Override
  protected Verdict check(WebhookRequest request, Credentials credentials) {
    PublicKey key;
    try {
      key = keys.get(publicKeyOf(credentials));
    } catch (IllegalArgumentException e) {
      return Verdict.rejected(
          "credential '" + PUBLIC_KEY_FIELD + "' is unusable: " + e.getMessage());
    }
    String depositAddress =
        credentials == null ? null : blankToNull(credentials.get(DEPOSIT_ADDRESS_FIELD));
    if (depositAddress == null) {
      return Verdict.rejected(
          "the account has no '"
              + DEPOSIT_ADDRESS_FIELD
              + "': Code signs every merchant's webhooks with the same key, so a payment can be"
              + " booked only once the account names its Code wallet's deposit address");
    }
    DepositAddress own;
    try {
      own = DepositAddress.parse(depositAddress.strip());
    } catch (IllegalArgumentException e) {
      return Verdict.rejected(
          "credential '" + DEPOSIT_ADDRESS_FIELD + "' is unusable: it " + e.getMessage());
    }
    CompactJws jws;
    try {
      jws = CompactJws.parse(request.body(), "JWT", MAX_TOKEN_LENGTH);
      jws.requireAlgorithm(EDDSA);
      jws.checkType("JWT");
      jws.rejectCriticalExtensions();
      if (!jws.signedBy(key, EDDSA)) {
        return Verdict.rejected(
            RejectionCause.WRONG_SECRET,
            "Ed25519 signature does not match the configured public key");
      }
    } catch (JwsException e) {
      return Verdict.rejected(e.getMessage());
    }
    return own.paidBy(jws.payloadBytes());
  }

  /**
   * A refusal of a genuine Code payment to another deposit address is answered 200, so Code stops
   * retrying what no retry can change; any other refusal gets the platform's usual answer.
   */
  @Override
  public WebhookAnswer reject(WebhookRequest request, Verdict verdict) {
    if (verdict != null && !verdict.authentic() && verdict.genuine()) {
      return WebhookAnswer.empty(200);
    }
    return reject(request);
  }

  private static String describe(Object value) {
    if (value == null) {
      return "(missing)";
    }
    String text = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    return shorten(text);
  }

  /** A value from a signed token, bounded for a log line. */
  static String shorten(String text) {
    return text.length() > 64 ? text.substring(0, 64) + "..." : text;
  }

  private static String publicKeyOf(Credentials credentials) {
    String configured = credentials == null ? null : credentials.get(PUBLIC_KEY_FIELD);
    return configured == null || configured.isBlank() ? PUBLISHED_PUBLIC_KEY : configured.strip();
  }

  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    JsonObject claims = claims(request.body());
    String intent = blankToNull(Json.optString(claims, "intent"));
    String state = blankToNull(Json.optString(claims, "state"));
    String user = blankToNull(Json.optString(claims, "user"));
    if (intent == null) {
      if (state == null && user != null) {
        return ParsedWebhook.ignored(
            "login:" + user,
            LOGIN,
            "login-only webhook: Code user " + user + " logged in, and no payment was made");
      }
      throw new MalformedWebhookException("'intent' is missing");
    }
    if (state == null) {
      throw new MalformedWebhookException("'state' is missing");
    }
    if (!STATE_SUBMITTED.equals(state)) {
      return ParsedWebhook.ignored(
          intent + ":" + state,
          state,
          "Code intent "
              + intent
              + " reports state "
              + describe(state)
              + ": only a SUBMITTED payment is booked");
    }
    PaymentEvent.Builder event =
        PaymentEvent.builder(EventKind.PAYMENT, "payment:" + intent, issuedAt(claims, request))
            .externalPaymentId(intent)
            .customerRef(user);
    CodeAmount.apply(claims, event);
    return new ParsedWebhook(intent, state, List.of(event.build()));
  }

  /** Code needs exactly 200 to stop retrying, whatever Paybridge did with the delivery. */
  @Override
  public WebhookAnswer acknowledge(WebhookRequest request, ParsedWebhook parsed, Outcome outcome) {
    return WebhookAnswer.empty(200);
  }

  private static JsonObject claims(Buffer body) {
    CompactJws jws;
    try {
      jws = CompactJws.parse(body, "JWT", MAX_TOKEN_LENGTH);
    } catch (JwsException e) {
      throw new MalformedWebhookException(e.getMessage());
    }
    try {
      return Json.object(Buffer.buffer(jws.payloadBytes()));
    } catch (MalformedWebhookException e) {
      throw new MalformedWebhookException("JWT payload: " + e.getMessage());
    }
  }

  /**
   * {@code iat} (NumericDate: seconds, possibly fractional) when present, else the arrival time.
   */
  private static Instant issuedAt(JsonObject claims, WebhookRequest request) {
    Object iat = claims.getValue("iat");
    if (iat == null) {
      return request.receivedAt();
    }
    if (!(iat instanceof Number number)) {
      throw new MalformedWebhookException("'iat' should be a number of seconds");
    }
    try {
      BigDecimal seconds = new BigDecimal(number.toString());
      BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
      long nanos =
          seconds
              .subtract(whole)
              .movePointRight(9)
              .setScale(0, RoundingMode.FLOOR)
              .longValueExact();
      return Instant.ofEpochSecond(whole.longValueExact(), nanos);
    } catch (ArithmeticException | NumberFormatException | DateTimeException e) {
      throw new MalformedWebhookException("'iat' is not a usable time: " + number);
    }
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
