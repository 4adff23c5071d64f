package io.paybridge.core.cobot;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One {@code created_invoice} webhook of a space and what became of it.
 *
 * @param url the invoice URL the webhook named, as posted
 * @param invoiceId Cobot's id of the invoice, once fetched
 * @param outcome {@code pending} (its job is due), {@code retrying} (an attempt failed and is tried
 *     again: {@code reason} says why), {@code charged}, {@code skipped} ({@code reasonCode} and
 *     {@code reason} say why), {@code declined} (the gateway's message in {@code reason}) or {@code
 *     rejected} (never fetched: the URL does not lie under the space's API)
 * @param reasonCode a stable code for skipped, declined and rejected outcomes
 * @param chargeId the charge of the latest run
 * @param runs how often the space re-ran the charge after a decline
 * @param paymentRecordId the payment record on the invoice at Cobot, once made
 */
public record CobotInvoice(
    UUID id,
    String url,
    String invoiceId,
    String invoiceNumber,
    String membershipId,
    Long amountMinor,
    String currency,
    String outcome,
    String reasonCode,
    String reason,
    UUID chargeId,
    int runs,
    String paymentRecordId,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  public static final String PENDING = "pending";
  public static final String RETRYING = "retrying";
  public static final String CHARGED = "charged";
  public static final String SKIPPED = "skipped";
  public static final String DECLINED = "declined";
  public static final String REJECTED = "rejected";

  /** Whether the space may charge it again: after a decline, or a skip for want of a method. */
  public boolean rerunnable() {
    return DECLINED.equals(outcome)
        || (SKIPPED.equals(outcome) && CobotInvoices.NO_PAYMENT_METHOD.equals(reasonCode));
  }
}
