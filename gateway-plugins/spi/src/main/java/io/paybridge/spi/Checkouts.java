package io.paybridge.spi;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * Optional capability: the merchant starts a payment at the gateway that its customer then
 * completes in the app or the browser (a Stripe PaymentIntent, a PayPal order, a Cryptomus invoice,
 * a signed payment page). What the customer pays is booked from the gateway's webhooks, for the
 * checkout's customer reference.
 *
 * <p>Money rule: {@link #start} sends {@link CheckoutRequest#idempotencyKey()} as the gateway's
 * idempotency key where the gateway takes one, so a retry after a timeout opens no second payment.
 */
public interface Checkouts {

  /**
   * Opens the payment at the gateway, or computes what the customer's client needs where the
   * gateway has no API for it (a signed payment-page URL).
   *
   * @return the gateway's reference and what the client needs; a failed {@link GatewayApiException}
   *     when the gateway cannot be reached (retryable) or refuses the request (not retryable, with
   *     the gateway's reason); a {@link PermanentGatewayException} before anything is sent when the
   *     account lacks what the checkout needs
   */
  Future<StartedCheckout> start(CheckoutRequest request, Credentials credentials);

  /**
   * One checkout to open.
   *
   * @param checkoutId the platform's id of the checkout; the gateway keeps it (metadata, order id,
   *     receipt) so its webhooks name the checkout
   * @param idempotencyKey sent as the gateway's idempotency key, the same on every try
   * @param customerRef the tenant's reference of the customer, booked with every event of it
   * @param amountMinor the amount in the currency's minor units, positive
   * @param currency ISO-4217 code, upper case
   * @param description shown to the customer where the gateway shows one; may be null
   * @param webhookUrl the tenant's webhook URL for this gateway, for gateways that take it per
   *     payment (Cryptomus' {@code url_callback})
   * @param returnUrl where the gateway sends the customer back after paying; may be null
   */
  record CheckoutRequest(
      String checkoutId,
      String idempotencyKey,
      String customerRef,
      long amountMinor,
      String currency,
      String description,
      String webhookUrl,
      String returnUrl) {

    public CheckoutRequest {
      Objects.requireNonNull(checkoutId, "checkoutId");
      Objects.requireNonNull(idempotencyKey, "idempotencyKey");
      Objects.requireNonNull(customerRef, "customerRef");
      Objects.requireNonNull(currency, "currency");
      Objects.requireNonNull(webhookUrl, "webhookUrl");
      if (amountMinor <= 0) {
        throw new IllegalArgumentException("a checkout is for a positive amount");
      }
    }
  }

  /**
   * An opened checkout.
   *
   * @param reference the gateway's id of what was opened (PaymentIntent, order, invoice), by which
   *     its webhooks and later calls name it; for a payment page without one, the checkout id
   * @param client what the customer's client needs, in the gateway's terms (Stripe: {@code
   *     clientSecret}, {@code paymentIntentId}; PayPal: {@code orderId}, {@code approveUrl};
   *     Cryptomus: {@code url}, {@code invoiceId}); returned to the tenant as it is
   */
  record StartedCheckout(String reference, JsonObject client) {

    public StartedCheckout {
      Objects.requireNonNull(reference, "reference");
      client = client == null ? new JsonObject() : client.copy();
    }
  }
}
