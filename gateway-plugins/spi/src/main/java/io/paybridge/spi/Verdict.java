package io.paybridge.spi;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The outcome of {@link GatewayPlugin#verify}: authentic, or rejected with a reason that goes to
 * the tenant's receipt log and the node log (never to the caller, who could use it to probe the
 * scheme).
 *
 * @param authentic whether the delivery is authentic
 * @param reason why not, or {@code "authentic"}
 * @param signedDeliveryId for schemes whose signature covers the body only indirectly (PayPal's
 *     CRC32), the id under which the gateway signed this one delivery (PayPal's transmission id):
 *     the platform accepts each such id with one body only. {@code null} for other schemes.
 * @param genuine for a refusal: whether the gateway really signed the delivery, which is refused
 *     because it is meant for another account (Code's payments to another deposit address). Such a
 *     refusal's receipt is never sampled and keeps the body, and the plugin may answer it as the
 *     gateway needs to stop retrying.
 * @param cause for a refusal, what kind of problem it is, so the tenant can be told the likely
 *     cause and its fix; {@code null} when authentic
 */
public record Verdict(
    boolean authentic,
    String reason,
    String signedDeliveryId,
    boolean genuine,
    RejectionCause cause) {

  private static final Verdict AUTHENTIC = new Verdict(true, "authentic", null, true, null);

  public static Verdict ok() {
    return AUTHENTIC;
  }

  /**
   * Authentic, for a scheme whose signature binds the body weakly: the platform refuses a second,
   * different body under the same {@code signedDeliveryId}.
   */
  public static Verdict ok(String signedDeliveryId) {
    return new Verdict(true, "authentic", signedDeliveryId, true, null);
  }

  /** Refused for a reason of no particular kind ({@link RejectionCause#OTHER}). */
  public static Verdict rejected(String reason) {
    return rejected(RejectionCause.OTHER, reason);
  }

  /** Refused, with the kind of problem it is. */
  public static Verdict rejected(RejectionCause cause, String reason) {
    return new Verdict(false, reason, null, false, cause);
  }

  /** Signed by the gateway, but not for this account: refused with the reason, recorded in full. */
  public static Verdict misdirected(String reason) {
    return new Verdict(false, reason, null, true, RejectionCause.WRONG_ACCOUNT);
  }

  /**
   * The verdict of a pure check, as {@link GatewayPlugin#verify} answers it. A check that throws
   * (input nobody foresaw) rejects the delivery with {@code <what> could not be checked: <type of
   * the exception>}; the exception's message is left out, since it may quote the delivery.
   *
   * @param what what the check proves, e.g. {@code Stripe signature}
   */
  public static Future<Verdict> checked(String what, Supplier<Verdict> check) {
    Verdict verdict;
    try {
      verdict = check.get();
    } catch (RuntimeException e) {
      verdict = rejected(what + " could not be checked: " + e.getClass().getSimpleName());
    }
    return Future.succeededFuture(verdict);
  }
}
