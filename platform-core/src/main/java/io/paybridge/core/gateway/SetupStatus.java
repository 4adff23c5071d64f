package io.paybridge.core.gateway;

import io.paybridge.spi.CredentialField;
import java.time.Instant;
import java.util.List;

/**
 * How far a tenant's gateway account is from its first booked payment, as the gateway's page and
 * the API's account answer show it: whether gateways can reach the webhook URL at all, which fields
 * deliveries are verified with are still to be saved, and what became of the last delivery — with,
 * for a refusal, its likely cause and the fix in the tenant's words.
 *
 * @param stage where the account stands
 * @param publicUrl whether the webhook URL can be reached from the internet
 * @param missing the fields deliveries are verified with that are not saved yet
 * @param waiting deliveries kept until those fields are saved
 * @param last the account's last delivery, or {@code null} while none has arrived
 */
public record SetupStatus(
    Stage stage,
    PublicUrl publicUrl,
    List<CredentialField> missing,
    long waiting,
    LastDelivery last) {

  public SetupStatus {
    missing = List.copyOf(missing);
  }

  /** Where an account stands on its way to its first booked payment. */
  public enum Stage {
    /** No delivery has arrived yet. */
    WAITING_FOR_FIRST_DELIVERY("waiting_for_first_delivery"),
    /** Deliveries arrived and wait for the signing secret (or webhook id) to be saved. */
    NEEDS_WEBHOOK_SECRET("needs_webhook_secret"),
    /** The last delivery was refused: {@link LastDelivery#likelyCause} says why. */
    FAILING("failing"),
    /** The last delivery was accepted: booked, a repeat, held for another reason, or ignored. */
    RECEIVING("receiving");

    private final String code;

    Stage(String code) {
      this.code = code;
    }

    /** The stage as the API and the console's status endpoint name it. */
    public String code() {
      return code;
    }
  }

  /**
   * Whether gateways can reach the platform's public URL.
   *
   * @param reachable {@code false} for a loopback or private host
   * @param problem why not, or {@code null}
   * @param fix what to do, or {@code null}
   */
  public record PublicUrl(String url, boolean reachable, String problem, String fix) {}

  /**
   * The account's last delivery.
   *
   * @param verdict {@code recorded}, {@code duplicate}, {@code held}, {@code ignored} or {@code
   *     rejected}
   * @param reason the platform's reason, as in the receipt log
   * @param cause for a refusal, its kind ({@code wrong_secret}, {@code stale}, …), or {@code null}
   * @param likelyCause for a refusal, the likely cause in the tenant's words, or {@code null}
   * @param fix for a refusal, what to do, or {@code null}
   */
  public record LastDelivery(
      long receiptId,
      Instant receivedAt,
      String verdict,
      String eventType,
      String reason,
      String cause,
      String likelyCause,
      String fix) {}
}
