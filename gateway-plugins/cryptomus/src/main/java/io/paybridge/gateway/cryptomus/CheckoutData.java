package io.paybridge.gateway.cryptomus;

import io.vertx.core.json.JsonObject;

/**
 * What a Paybridge checkout leaves in its Cryptomus invoice's {@code additional_data}, which
 * Cryptomus keeps with the invoice and sends back in every payment webhook under the signature:
 * {@code {"paybridge_checkout":"<checkout id>","customer_ref":"<customer reference>"}}. The
 * invoice's {@code order_id} is the checkout id, so without this the webhook could name only the
 * checkout, not the customer it is for.
 */
final class CheckoutData {

  /** What Cryptomus keeps at most in {@code additional_data}. */
  static final int MAX_LENGTH = 255;

  static final String CHECKOUT = "paybridge_checkout";
  static final String CUSTOMER_REF = "customer_ref";

  private CheckoutData() {}

  /** The {@code additional_data} of the checkout's invoice. */
  static String encode(String checkoutId, String customerRef) {
    return new JsonObject().put(CHECKOUT, checkoutId).put(CUSTOMER_REF, customerRef).encode();
  }

  /**
   * The customer reference a webhook's {@code additional_data} carries for the checkout whose id is
   * the webhook's {@code order_id}; {@code null} when it is not a Paybridge checkout's, or of
   * another order.
   */
  static String customerRef(String additionalData, String orderId) {
    if (additionalData == null || orderId == null || !additionalData.startsWith("{")) {
      return null;
    }
    JsonObject data;
    try {
      data = new JsonObject(additionalData);
    } catch (RuntimeException e) {
      return null;
    }
    if (!(data.getValue(CHECKOUT) instanceof String checkout)
        || !checkout.equals(orderId)
        || !(data.getValue(CUSTOMER_REF) instanceof String customerRef)
        || customerRef.isBlank()) {
      return null;
    }
    return customerRef;
  }
}
