package io.paybridge.api;

import io.paybridge.core.gateway.SetupStatus;
import io.paybridge.spi.CredentialField;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A gateway account's setup status as the API writes it ({@code GatewaySetup} in the document). */
final class SetupJson {

  private SetupJson() {}

  static JsonObject of(SetupStatus setup) {
    SetupStatus.PublicUrl url = setup.publicUrl();
    JsonArray missing = new JsonArray();
    setup.missing().stream().map(CredentialField::name).forEach(missing::add);
    SetupStatus.LastDelivery last = setup.last();
    return new JsonObject()
        .put("stage", setup.stage().code())
        .put(
            "publicUrl",
            new JsonObject()
                .put("url", url.url())
                .put("reachable", url.reachable())
                .put("problem", url.problem())
                .put("fix", url.fix()))
        .put("missingFields", missing)
        .put("waitingDeliveries", setup.waiting())
        .put(
            "lastDelivery",
            last == null
                ? null
                : new JsonObject()
                    .put("receiptId", last.receiptId())
                    .put("receivedAt", last.receivedAt().toString())
                    .put("verdict", last.verdict())
                    .put("eventType", last.eventType())
                    .put("reason", last.reason())
                    .put("cause", last.cause())
                    .put("likelyCause", last.likelyCause())
                    .put("fix", last.fix()));
  }
}
