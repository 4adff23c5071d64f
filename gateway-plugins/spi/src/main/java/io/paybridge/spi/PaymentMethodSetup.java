package io.paybridge.spi;

import io.vertx.core.Future;
import java.util.Objects;

/**
 * Optional capability: a customer saves a payment method (a card) in a form the platform shows, so
 * that the merchant can later charge it while the customer is away ({@link StoredPaymentMethods}).
 *
 * <p>The card details never pass through the platform: {@link #startSetup} prepares a setup at the
 * gateway, the customer's browser confirms it with the gateway's own script, and {@link
 * #setupResult} then reads from the gateway how it ended. What the browser reports is never taken
 * for the outcome; only the gateway's answer is.
 */
public interface PaymentMethodSetup {

  /**
   * Starts saving a payment method for the tenant's customer {@code customerRef}: creates the
   * gateway-side customer when {@code customer} is null (tagged with {@code customerRef}, so that
   * the gateway's objects name it), then a setup that the customer's browser confirms with the
   * gateway's own script.
   *
   * @param customerRef the tenant's reference of the customer
   * @param customer the gateway's customer id from an earlier setup, or null to create one
   * @return what the browser needs to confirm the setup; a failed {@link GatewayApiException} when
   *     the gateway cannot be reached or refuses (retryable or not, as for charges); a {@link
   *     PermanentGatewayException}, before anything is sent, when the account lacks what the
   *     browser needs (Stripe: the publishable key)
   */
  Future<SetupStart> startSetup(String customerRef, String customer, Credentials credentials);

  /**
   * How the setup ended, read from the gateway (never from the browser).
   *
   * @param setupId the gateway's setup id, as {@link SetupStart#setupId()} gave it
   * @return the setup's state; a failed {@link GatewayApiException} when the gateway cannot be
   *     reached (retryable) or does not know the setup (not retryable)
   */
  Future<SetupResult> setupResult(String setupId, Credentials credentials);

  /**
   * A setup the customer's browser is to confirm.
   *
   * @param setupId the gateway's setup id (Stripe: {@code seti_…})
   * @param customer the gateway's customer id, kept to charge the saved method later
   * @param clientSecret what the browser script confirms the setup with; shown to that customer's
   *     browser only
   * @param publishableKey the key the browser script is initialised with
   */
  record SetupStart(String setupId, String customer, String clientSecret, String publishableKey) {

    public SetupStart {
      Objects.requireNonNull(setupId, "setupId");
      Objects.requireNonNull(customer, "customer");
      Objects.requireNonNull(clientSecret, "clientSecret");
      Objects.requireNonNull(publishableKey, "publishableKey");
    }
  }

  /**
   * How a setup stands at the gateway.
   *
   * @param status succeeded (the method is saved), pending (the customer or the gateway has still
   *     to act; ask again later) or failed (nothing saved; the customer may try again)
   * @param customer the gateway's customer id; set when succeeded
   * @param paymentMethod the saved method's gateway id; set when succeeded
   * @param customerRef the customerRef the setup was started for, from the gateway's metadata; may
   *     be null
   * @param failureMessage why a failed setup failed, fit to show the customer; set when failed
   */
  record SetupResult(
      SetupStatus status,
      String customer,
      String paymentMethod,
      String customerRef,
      String failureMessage) {

    public SetupResult {
      Objects.requireNonNull(status, "status");
      if (status == SetupStatus.SUCCEEDED && (customer == null || paymentMethod == null)) {
        throw new IllegalArgumentException("a succeeded setup names its customer and method");
      }
      if (status == SetupStatus.FAILED && failureMessage == null) {
        throw new IllegalArgumentException("a failed setup says why");
      }
    }
  }

  /** Where a setup stands. */
  enum SetupStatus {
    SUCCEEDED,
    PENDING,
    FAILED
  }
}
