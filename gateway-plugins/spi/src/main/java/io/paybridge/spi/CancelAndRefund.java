package io.paybridge.spi;

import io.vertx.core.Future;

/**
 * Optional capability: when a recurring charge arrives for a subscription the tenant does not know,
 * cancel that subscription at the gateway and refund the charge, so no customer pays for something
 * nobody will deliver.
 */
public interface CancelAndRefund {

  /**
   * Cancels the charge's subscription and refunds the charge. Must be idempotent: a retry after a
   * partial failure (cancelled but not refunded) completes the work without a second refund.
   *
   * @param charge the recurring charge as the plugin parsed it (subscription and payment ids set)
   */
  Future<Void> cancelAndRefund(PaymentEvent charge, Credentials credentials);
}
