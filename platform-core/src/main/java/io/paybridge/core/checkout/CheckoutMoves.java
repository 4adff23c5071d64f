package io.paybridge.core.checkout;

/**
 * How the money a checkout's new ledger entries move changes it, as SQL that both writers of its
 * entries run in the statement that books them: the group commit of webhooks and a capture's
 * answer. The entries come from a {@code led} common table expression of the rows just inserted
 * ({@code checkout_id, kind, amount_minor}); a conflicting entry (the same money movement booked
 * before) is not among them, so the sums grow exactly once per movement.
 *
 * <p>Payments and recurring charges add to {@code paid_minor}; refunds and disputes add to {@code
 * refunded_minor}, their reversals take from it. Once money was received the status follows the
 * sums: {@code paid}, {@code partially_refunded} or {@code refunded}; money returned before any was
 * received leaves the status as it is.
 */
public final class CheckoutMoves {

  private CheckoutMoves() {}

  /** The {@code UPDATE} of the checkouts named by the new entries in {@code led}. */
  public static final String FROM_LED =
      """
      UPDATE checkouts c
         SET paid_minor = c.paid_minor + m.paid,
             refunded_minor = c.refunded_minor + m.refunded,
             status = CASE WHEN c.paid_minor + m.paid <= 0 THEN c.status
                           WHEN c.refunded_minor + m.refunded >= c.paid_minor + m.paid THEN 'refunded'
                           WHEN c.refunded_minor + m.refunded > 0 THEN 'partially_refunded'
                           ELSE 'paid' END,
             updated_at = now()
        FROM (SELECT checkout_id,
                     COALESCE(sum(amount_minor)
                       FILTER (WHERE kind IN ('PAYMENT', 'RECURRING_CHARGED')), 0)::bigint AS paid,
                     (COALESCE(sum(-amount_minor) FILTER (WHERE kind IN ('REFUND', 'DISPUTE')), 0)
                       - COALESCE(sum(amount_minor)
                           FILTER (WHERE kind IN ('REFUND_REVERSED', 'DISPUTE_REVERSED')), 0))::bigint
                       AS refunded
                FROM led WHERE checkout_id IS NOT NULL GROUP BY checkout_id) m
       WHERE c.id = m.checkout_id""";
}
