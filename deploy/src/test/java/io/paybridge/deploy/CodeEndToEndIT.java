package io.paybridge.deploy;

import io.paybridge.gateway.code.CodeWalletSimulator;
import io.paybridge.testkit.Webhook;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

class CodeEndToEndIT extends GatewayEndToEndKit {

  private final CodeWalletSimulator wallet = new CodeWalletSimulator();

  @Override
  protected String gateway() {
    return "code";
  }

  @Override
  protected JsonObject credentials() {
    return wallet.credentialsJson();
  }

  @Override
  protected JsonObject otherCredentials() {
    return new CodeWalletSimulator().credentialsJson();
  }

  private static Webhook jwt(String token) {
    return CodeWalletSimulator.webhook(token);
  }

  @Override
  protected Webhook validDelivery() {
    return jwt(wallet.intentSubmitted(CodeWalletSimulator.newIntentId(), "1.50", "usd"));
  }

  @Override
  protected Webhook unknownEventDelivery() {
    return jwt(
        wallet.sign(
            new JsonObject()
                .put("intent", CodeWalletSimulator.newIntentId())
                .put("state", "PENDING")));
  }

  @Override
  protected Webhook malformedDelivery() {
    // paid to this account's address, but with no intent and an amount that is not a decimal
    return jwt(
        wallet.sign(
            new JsonObject()
                .put("state", "SUBMITTED")
                .put("destination", wallet.depositAddress())
                .put("amount", "lots")));
  }

  /** The wallet retries until it gets exactly 200. */
  @Override
  protected boolean acknowledged(HttpResponse<Buffer> response) {
    return response.statusCode() == 200;
  }
}
