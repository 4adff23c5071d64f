package io.paybridge.core.gateway;

import io.paybridge.core.ingest.ReceiptStore;
import io.paybridge.spi.CredentialField;
import io.paybridge.spi.ParsedWebhook;
import io.vertx.core.Future;
import java.util.List;

/**
 * Works out an account's {@link SetupStatus}: whether its webhook URL can be reached, what it still
 * needs to verify deliveries, and what became of its last delivery, explained for a refusal.
 */
final class GatewaySetup {

  private final ReceiptStore receipts;
  private final SetupStatus.PublicUrl publicUrl;

  GatewaySetup(ReceiptStore receipts, String publicUrl) {
    this.receipts = receipts;
    this.publicUrl = PublicUrlCheck.of(publicUrl);
  }

  Future<SetupStatus> of(GatewayAccount account) {
    List<CredentialField> missing =
        account.plugin().credentialSchema().unsetWebhookFields(account.credentials());
    Future<ReceiptStore.Receipt> latest = receipts.latest(account.tenantId(), account.gateway());
    Future<Long> waiting =
        receipts.heldWith(
            account.tenantId(), account.gateway(), ParsedWebhook.NEEDS_WEBHOOK_SECRET);
    return Future.all(latest, waiting)
        .map(done -> status(account, missing, latest.result(), waiting.result()));
  }

  private SetupStatus status(
      GatewayAccount account,
      List<CredentialField> missing,
      ReceiptStore.Receipt last,
      long waiting) {
    if (last == null) {
      return new SetupStatus(
          SetupStatus.Stage.WAITING_FOR_FIRST_DELIVERY, publicUrl, missing, waiting, null);
    }
    String likelyCause = null;
    String fix = null;
    SetupStatus.Stage stage = SetupStatus.Stage.RECEIVING;
    if ("rejected".equals(last.verdict())) {
      SetupAdvice.Advice advice = SetupAdvice.of(account.plugin(), last.cause(), last.reason());
      likelyCause = advice.likelyCause();
      fix = advice.fix();
      stage = SetupStatus.Stage.FAILING;
    } else if (ParsedWebhook.NEEDS_WEBHOOK_SECRET.equals(last.hold()) && !missing.isEmpty()) {
      stage = SetupStatus.Stage.NEEDS_WEBHOOK_SECRET;
    }
    return new SetupStatus(
        stage,
        publicUrl,
        missing,
        waiting,
        new SetupStatus.LastDelivery(
            last.id(),
            last.receivedAt(),
            last.verdict(),
            last.eventType(),
            last.reason(),
            last.cause(),
            likelyCause,
            fix));
  }
}
