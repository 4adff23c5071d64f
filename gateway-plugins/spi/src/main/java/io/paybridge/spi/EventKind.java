package io.paybridge.spi;

/** Normalized meaning of a gateway event. */
public enum EventKind {
  /** Money received once (one-time charge, first payment of a subscription). Positive amount. */
  PAYMENT(Sign.POSITIVE, true),
  /** A subscription's periodic charge. Positive amount. */
  RECURRING_CHARGED(Sign.POSITIVE, true),
  /** Money returned to the customer. Negative amount. */
  REFUND(Sign.NEGATIVE, true),
  /**
   * A refund undone (it failed or bounced after it was booked): money back with the merchant.
   * Positive amount.
   */
  REFUND_REVERSED(Sign.POSITIVE, true),
  /** Funds withdrawn from the merchant for a dispute or chargeback. Negative amount. */
  DISPUTE(Sign.NEGATIVE, true),
  /** Funds of a dispute reinstated to the merchant (the dispute was won). Positive amount. */
  DISPUTE_REVERSED(Sign.POSITIVE, true),
  /** Funds reserved but not yet captured. Positive amount; not part of a balance. */
  AUTHORIZED(Sign.POSITIVE, false),
  /** A subscription ended (cancelled, halted, expired). No amount. */
  RECURRING_CANCELLED(Sign.NONE, false),
  /**
   * A subscription's paid period was extended, as the gateway's API reported when the platform
   * checked it for renewal. No amount (the charge, if any, is its own entry).
   */
  RECURRING_RENEWED(Sign.NONE, false);

  /** Which sign an amount of this kind must have. */
  public enum Sign {
    POSITIVE,
    NEGATIVE,
    NONE
  }

  private final Sign sign;
  private final boolean countsTowardBalance;

  EventKind(Sign sign, boolean countsTowardBalance) {
    this.sign = sign;
    this.countsTowardBalance = countsTowardBalance;
  }

  public Sign sign() {
    return sign;
  }

  /** Whether a customer's balance includes entries of this kind. */
  public boolean countsTowardBalance() {
    return countsTowardBalance;
  }
}
