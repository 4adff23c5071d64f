package io.paybridge.gateway.code;

import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.PermanentGatewayException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * A checkout in the Code wallet. Code's payment intents are created by the merchant's app with
 * Code's SDK against Code's sequencer ({@code code.paymentIntents.create} of
 * {@code @code-wallet/client}), not through an API Paybridge could call, so a checkout makes no
 * call: it gives the app what the intent must name, so that its webhook reaches Paybridge and books
 * for this account:
 *
 * <pre>{@code {"webhookUrl": <the account's webhook URL>, "destination": <its deposit address>,
 *  "amount": <major units, a JSON number>, "currency": <lower case, as the SDK takes it>,
 *  "idempotencyKey": <the checkout's key>}}</pre>
 *
 * The app passes them as the intent's {@code webhook: {url}}, {@code destination}, {@code amount},
 * {@code currency} and {@code idempotencyKey} (which makes Code derive the same intent from the
 * same checkout). The reference is the checkout id until the app reports the intent's id; Code's
 * webhook books the intent id as the payment's external id ({@link CodePlugin#parse}).
 */
final class CodeCheckouts {

  private static final String OPERATION = "payment intent";

  private CodeCheckouts() {}

  static StartedCheckout start(CheckoutRequest request, Credentials credentials) {
    String address = CodePlugin.blankToNull(credentials.get(CodePlugin.DEPOSIT_ADDRESS_FIELD));
    if (address == null) {
      throw permanent(
          "the Code wallet account has no '"
              + CodePlugin.DEPOSIT_ADDRESS_FIELD
              + "': add the deposit address of its Code wallet to its credentials");
    }
    try {
      DepositAddress.parse(address.strip());
    } catch (IllegalArgumentException e) {
      throw permanent(
          "the account's '"
              + CodePlugin.DEPOSIT_ADDRESS_FIELD
              + "' is unusable: it "
              + e.getMessage());
    }
    String currency = request.currency().toUpperCase(Locale.ROOT);
    BigDecimal amount;
    try {
      amount = BigDecimal.valueOf(request.amountMinor()).movePointLeft(Money.exponent(currency));
    } catch (MalformedWebhookException e) {
      throw permanent(e.getMessage());
    }
    return new StartedCheckout(
        request.checkoutId(),
        new JsonObject()
            .put("webhookUrl", request.webhookUrl())
            .put("destination", address.strip())
            .put("amount", amount)
            .put("currency", currency.toLowerCase(Locale.ROOT))
            .put("idempotencyKey", request.idempotencyKey()));
  }

  private static PermanentGatewayException permanent(String detail) {
    return new PermanentGatewayException(CodePlugin.ID, OPERATION, detail);
  }
}
