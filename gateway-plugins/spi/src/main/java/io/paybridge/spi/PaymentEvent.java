package io.paybridge.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One normalized event, which becomes one ledger entry.
 *
 * @param kind what happened
 * @param entryKey dedupe key of the ledger entry within the tenant's account at this gateway: two
 *     deliveries describing the same money movement (Stripe's {@code payment_intent.succeeded} and
 *     {@code charge.succeeded}) carry the same key and are booked once
 * @param amountMinor signed amount in the currency's minor units (refunds negative); {@code null}
 *     only for kinds without an amount
 * @param currency ISO-4217 code, upper case; {@code null} when there is no amount
 * @param externalPaymentId the gateway's payment id, if any
 * @param externalSubscriptionId the gateway's subscription id, if any
 * @param customerRef the tenant's reference for the customer (user id, membership id, attempt
 *     token), if the gateway carries one
 * @param email customer email, if sent
 * @param contact customer phone or other contact, if sent
 * @param feeMinor the gateway's fee in minor units of {@code currency}, if sent
 * @param occurredAt when the gateway says it happened
 * @param periodEnd for subscription events, the end of the current period, if sent
 * @param purchaseRef the store's identity of the in-app purchase the entry is about, as an app's
 *     backend hands that purchase over ({@link PurchaseVerification}): the App Store's transaction
 *     id, a digest of Google Play's purchase token; {@code null} for other gateways. The platform
 *     books an entry that carries one for the customer the purchase was handed over for.
 */
public record PaymentEvent(
    EventKind kind,
    String entryKey,
    Long amountMinor,
    String currency,
    String externalPaymentId,
    String externalSubscriptionId,
    String customerRef,
    String email,
    String contact,
    Long feeMinor,
    Instant occurredAt,
    Instant periodEnd,
    String purchaseRef) {

  /** ISO-4217 letters, upper case (some gateways' own currencies are longer). */
  private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3,10}");

  public PaymentEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(entryKey, "entryKey");
    Objects.requireNonNull(occurredAt, "occurredAt");
    if (entryKey.isBlank() || entryKey.length() > 255) {
      throw new MalformedWebhookException("entry key must be 1 to 255 characters");
    }
    switch (kind.sign()) {
      case POSITIVE ->
          requireAmount(kind, amountMinor, currency, amountMinor != null && amountMinor > 0);
      case NEGATIVE ->
          requireAmount(kind, amountMinor, currency, amountMinor != null && amountMinor < 0);
      case NONE -> {
        if (amountMinor != null && amountMinor != 0) {
          throw new MalformedWebhookException(kind + " carries no amount");
        }
      }
    }
    for (String text :
        new String[] {
          entryKey,
          externalPaymentId,
          externalSubscriptionId,
          customerRef,
          email,
          contact,
          purchaseRef
        }) {
      if (text != null && (text.indexOf('\u0000') >= 0 || text.length() > 1024)) {
        throw new MalformedWebhookException(
            "a text field holds a NUL character or is longer than 1024 characters");
      }
    }
    if (currency != null && !CURRENCY.matcher(currency).matches()) {
      throw new MalformedWebhookException(
          "currency code " + currency + " is not upper-case letters");
    }
  }

  private static void requireAmount(EventKind kind, Long amount, String currency, boolean signOk) {
    if (amount == null || currency == null) {
      throw new MalformedWebhookException(kind + " needs an amount and a currency");
    }
    if (!signOk) {
      throw new MalformedWebhookException(
          kind + " amount has the wrong sign: " + amount + " (" + kind.sign() + " expected)");
    }
  }

  /** An event that names no in-app purchase, as most gateways' events. */
  public PaymentEvent(
      EventKind kind,
      String entryKey,
      Long amountMinor,
      String currency,
      String externalPaymentId,
      String externalSubscriptionId,
      String customerRef,
      String email,
      String contact,
      Long feeMinor,
      Instant occurredAt,
      Instant periodEnd) {
    this(
        kind,
        entryKey,
        amountMinor,
        currency,
        externalPaymentId,
        externalSubscriptionId,
        customerRef,
        email,
        contact,
        feeMinor,
        occurredAt,
        periodEnd,
        null);
  }

  /** This event booked for another customer: the one an app's backend handed it over for. */
  public PaymentEvent withCustomerRef(String ref) {
    return new PaymentEvent(
        kind,
        entryKey,
        amountMinor,
        currency,
        externalPaymentId,
        externalSubscriptionId,
        ref,
        email,
        contact,
        feeMinor,
        occurredAt,
        periodEnd,
        purchaseRef);
  }

  /** Starts a builder for an event of the given kind. */
  public static Builder builder(EventKind kind, String entryKey, Instant occurredAt) {
    return new Builder(kind, entryKey, occurredAt);
  }

  /** Builder, for plugins that fill fields one by one. */
  public static final class Builder {
    private final EventKind kind;
    private final String entryKey;
    private final Instant occurredAt;
    private Long amountMinor;
    private String currency;
    private String externalPaymentId;
    private String externalSubscriptionId;
    private String customerRef;
    private String email;
    private String contact;
    private Long feeMinor;
    private Instant periodEnd;
    private String purchaseRef;

    private Builder(EventKind kind, String entryKey, Instant occurredAt) {
      this.kind = kind;
      this.entryKey = entryKey;
      this.occurredAt = occurredAt;
    }

    public Builder amount(long minor, String currencyCode) {
      this.amountMinor = minor;
      this.currency = currencyCode;
      return this;
    }

    public Builder externalPaymentId(String id) {
      this.externalPaymentId = blankToNull(id);
      return this;
    }

    public Builder externalSubscriptionId(String id) {
      this.externalSubscriptionId = blankToNull(id);
      return this;
    }

    public Builder customerRef(String ref) {
      this.customerRef = blankToNull(ref);
      return this;
    }

    public Builder email(String value) {
      this.email = blankToNull(value);
      return this;
    }

    public Builder contact(String value) {
      this.contact = blankToNull(value);
      return this;
    }

    public Builder feeMinor(Long value) {
      this.feeMinor = value;
      return this;
    }

    public Builder periodEnd(Instant value) {
      this.periodEnd = value;
      return this;
    }

    public Builder purchaseRef(String value) {
      this.purchaseRef = blankToNull(value);
      return this;
    }

    public PaymentEvent build() {
      return new PaymentEvent(
          kind,
          entryKey,
          amountMinor,
          currency,
          externalPaymentId,
          externalSubscriptionId,
          customerRef,
          email,
          contact,
          feeMinor,
          occurredAt,
          periodEnd,
          purchaseRef);
    }

    private static String blankToNull(String s) {
      return s == null || s.isBlank() ? null : s;
    }
  }
}
