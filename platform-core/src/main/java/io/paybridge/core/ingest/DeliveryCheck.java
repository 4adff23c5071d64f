package io.paybridge.core.ingest;

import io.paybridge.core.gateway.GatewayAccount;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What a delivery means, as its gateway's plugin says: verify, parse, resolve. Ingest runs it on
 * every delivery and reprocessing runs it again on a stored one, so both judge a delivery the same
 * way. The result is a delivery that cannot be verified yet (the account lacks the secret it is
 * verified with), a refusal (with its reason), a malformed body, or a parsed delivery that books,
 * holds or ignores; a failed future means nothing could be decided now (the database or the
 * gateway's API is unavailable) and the gateway must deliver again.
 */
public final class DeliveryCheck {

  /** The hold code of a delivery whose resolution the gateway's API refused for good. */
  public static final String GATEWAY_API_REFUSED = "gateway_api_refused";

  /** What a delivery turned out to be. */
  public sealed interface Result {}

  /**
   * The account has no value yet for a field deliveries are verified with (a signing secret the
   * gateway shows only once the URL is registered): nothing can be said about the delivery until
   * the tenant saves it.
   *
   * @param reason what is missing and what happens next, in the tenant's words
   */
  public record Unverified(String reason) implements Result {}

  /** Not from the gateway, or a body the gateway did not send with these signed headers. */
  public record Rejected(Verdict verdict) implements Result {}

  /** Authentic, but not what the gateway sends. */
  public record Malformed(String reason) implements Result {}

  /** Authentic and understood: books its events, is held, or is ignored with a reason. */
  public record Parsed(ParsedWebhook parsed) implements Result {}

  private final ReceiptStore receipts;

  public DeliveryCheck(ReceiptStore receipts) {
    this.receipts = receipts;
  }

  /** Runs the account's plugin over the delivery. */
  public Future<Result> check(GatewayAccount account, WebhookRequest request) {
    GatewayPlugin plugin = account.plugin();
    List<CredentialField> unset =
        plugin.credentialSchema().unsetWebhookFields(account.credentials());
    if (!unset.isEmpty()) {
      return Future.succeededFuture(new Unverified(unverifiedReason(plugin, unset)));
    }
    return plugin
        .verify(request, account.credentials())
        .compose(
            verdict -> {
              if (!verdict.authentic()) {
                return Future.succeededFuture(new Rejected(verdict));
              }
              if (verdict.signedDeliveryId() == null) {
                return parse(account, request);
              }
              return receipts
                  .claimSignedDelivery(
                      account.tenantId(),
                      plugin.id(),
                      verdict.signedDeliveryId(),
                      sha256(request.body().getBytes()))
                  .compose(
                      sameBody ->
                          sameBody
                              ? parse(account, request)
                              : Future.succeededFuture(
                                  new Rejected(
                                      Verdict.rejected(
                                          "signed delivery "
                                              + verdict.signedDeliveryId()
                                              + " was received before with another body: the"
                                              + " signed headers were reused on a body the"
                                              + " gateway did not send"))));
            });
  }

  private Future<Result> parse(GatewayAccount account, WebhookRequest request) {
    GatewayPlugin plugin = account.plugin();
    ParsedWebhook parsed;
    try {
      parsed = plugin.parse(request, account.credentials());
    } catch (MalformedWebhookException e) {
      return Future.succeededFuture(new Malformed(e.getMessage()));
    }
    return plugin
        .resolve(request, parsed, account.credentials())
        .<Result>map(Parsed::new)
        .recover(
            err -> {
              if (err instanceof MalformedWebhookException e) {
                return Future.succeededFuture(new Malformed(e.getMessage()));
              }
              if (err instanceof GatewayApiException api && !api.retryable()) {
                // Asking again will not help: keep the delivery and let the tenant look.
                return Future.succeededFuture(
                    new Parsed(
                        ParsedWebhook.held(
                            parsed.eventId(),
                            parsed.eventType(),
                            GATEWAY_API_REFUSED,
                            "the gateway's API refused to confirm this event: "
                                + api.getMessage())));
              }
              return Future.failedFuture(err);
            });
  }

  /** Why a delivery is kept unverified, naming the fields the account still needs. */
  static String unverifiedReason(GatewayPlugin plugin, List<CredentialField> unset) {
    String labels = unset.stream().map(CredentialField::label).collect(Collectors.joining(", "));
    return "received before the account's "
        + labels
        + (unset.size() == 1 ? " was" : " were")
        + " saved: "
        + plugin.displayName()
        + " shows "
        + (unset.size() == 1 ? "it" : "them")
        + " once the webhook URL is registered. Save "
        + (unset.size() == 1 ? "it" : "them")
        + " on the gateway's page and this delivery is verified as received, then booked once,"
        + " or refused if it does not verify";
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
