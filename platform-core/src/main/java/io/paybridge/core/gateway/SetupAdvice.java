package io.paybridge.core.gateway;

import io.paybridge.spi.CredentialField;
import io.paybridge.spi.GatewayPlugin;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A refused delivery's likely cause and its fix, in the tenant's words, from the kind of refusal
 * its plugin gave ({@link io.paybridge.spi.RejectionCause}, kept with the receipt): "the secret
 * saved here is not the one Stripe shows for this endpoint", not "no v1 signature matches".
 */
final class SetupAdvice {

  /** The likely cause of a refusal, and what to do. */
  record Advice(String likelyCause, String fix) {}

  private SetupAdvice() {}

  /**
   * @param cause the receipt's cause ({@code wrong_secret}, …), or {@code null}
   * @param reason the platform's own reason, shown when the kind says nothing more
   */
  static Advice of(GatewayPlugin plugin, String cause, String reason) {
    String gateway = plugin.displayName();
    String secrets = secretLabels(plugin);
    String kind = cause == null ? "other" : cause.toLowerCase(Locale.ROOT);
    return switch (kind) {
      case "wrong_secret" ->
          new Advice(
              "The "
                  + secrets
                  + " saved here is not the one "
                  + gateway
                  + " shows for this endpoint, so the delivery's signature does not match.",
              "Copy the "
                  + secrets
                  + " again from "
                  + gateway
                  + " ("
                  + where(plugin)
                  + ") and save it below. Then send a test event, or let "
                  + gateway
                  + " deliver again.");
      case "stale" ->
          new Advice(
              "The delivery was signed too long before it arrived: this server's clock is off,"
                  + " or an old delivery was sent again.",
              "Make sure this server's clock is synchronised (NTP), then send the event again from"
                  + " the "
                  + gateway
                  + " dashboard.");
      case "wrong_account" ->
          new Advice(
              gateway + " signed this delivery for another account than the one saved here.",
              "Check that the account details below belong to the "
                  + gateway
                  + " account whose dashboard sends to this webhook URL, or register this URL in"
                  + " the right account.");
      case "unsigned" ->
          new Advice(
              "The delivery carried no "
                  + gateway
                  + " signature: it was not sent by "
                  + gateway
                  + ", or a proxy or tunnel on the way removed its headers.",
              "Send a test event from the "
                  + gateway
                  + " dashboard to this exact URL; if it still arrives unsigned, make sure your"
                  + " proxy or tunnel forwards every header.");
      case "sender_not_allowed" ->
          new Advice(
              "The delivery came from an address that is not in this account's allowed sender"
                  + " addresses.",
              "Add " + gateway + "'s current addresses to the list below, or clear it.");
      case "malformed" ->
          new Advice(
              "The delivery is signed, but its body is not what " + gateway + " sends.",
              "Make sure this URL is registered with "
                  + gateway
                  + " only; the webhook log shows"
                  + " the body that arrived.");
      default ->
          new Advice(
              "The delivery was refused: " + reason,
              "Open the delivery in the webhook log to see what arrived.");
    };
  }

  private static List<CredentialField> verifying(GatewayPlugin plugin) {
    return plugin.credentialSchema().fields().stream()
        .filter(CredentialField::verifiesWebhooks)
        .toList();
  }

  private static String secretLabels(GatewayPlugin plugin) {
    List<CredentialField> fields = verifying(plugin);
    if (fields.isEmpty()) {
      fields = plugin.credentialSchema().fields().stream().filter(CredentialField::secret).toList();
    }
    return fields.isEmpty()
        ? "key"
        : fields.stream()
            .map(f -> f.label().toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(" and "));
  }

  /** Where the gateway shows it: the first sentence of the field's description. */
  private static String where(GatewayPlugin plugin) {
    List<CredentialField> fields = verifying(plugin);
    String description = fields.isEmpty() ? "" : fields.get(0).description();
    int end = description.indexOf(';');
    int dot = description.indexOf(". ");
    if (end < 0 || (dot >= 0 && dot < end)) {
      end = dot;
    }
    String first = end < 0 ? description : description.substring(0, end);
    return first.isBlank() ? "its dashboard" : first;
  }
}
