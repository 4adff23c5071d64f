package io.paybridge.gateway.payeer;

import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.Signatures;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A checkout at Payeer is its merchant payment page, to which the customer is sent with the order's
 * fields in the query, signed as Payeer's merchant documentation signs the payment form: {@code
 * m_shop} (the merchant id), {@code m_orderid} (the checkout id), {@code m_amount} (with two
 * decimals, as PHP's {@code number_format($amount, 2, '.', '')} prints it), {@code m_curr}, {@code
 * m_desc} (the description, base64) and {@code m_sign}, the upper-case hex SHA-256 of {@code
 * m_shop:m_orderid:m_amount:m_curr:m_desc:<secret key>}. Nothing is sent to Payeer: the URL is
 * computed, so it is the same on every try.
 *
 * <p>Payeer's notification of the payment names the order in {@code m_orderid}, which it signs; the
 * plugin books it with that order id as the external payment id, so it is the checkout's payment.
 * Where the customer returns after paying is the merchant's Success and Fail URL in its Payeer
 * settings: a per-payment return URL needs Payeer's encrypted additional parameters, which the
 * plugin does not send.
 */
final class PayeerPaymentPage {

  /** Payeer's merchant payment page. */
  static final String DEFAULT_URL = "https://payeer.com/merchant/";

  /** Order ids Payeer's notification answer can echo ({@code <m_orderid>|success}). */
  static final Pattern ORDER_ID = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

  private static final String OPERATION = "payment page";

  private PayeerPaymentPage() {}

  /** The signed page URL of the checkout; a failure naming what the account or checkout lacks. */
  static StartedCheckout start(String pageUrl, CheckoutRequest request, Credentials credentials) {
    String missing = credentials.firstMissing(PayeerPlugin.SHOP_ID, PayeerPlugin.SECRET_KEY);
    if (missing != null) {
      throw permanent(
          "the Payeer account has no '"
              + missing
              + "': add the merchant id and secret key to its credentials");
    }
    if (!ORDER_ID.matcher(request.checkoutId()).matches()) {
      throw permanent("checkout id '" + request.checkoutId() + "' is not an order id Payeer takes");
    }
    String currency = request.currency().toUpperCase(Locale.ROOT);
    String description =
        request.description() == null || request.description().isBlank()
            ? "Order " + request.checkoutId()
            : request.description().strip();
    Map<String, String> query = new LinkedHashMap<>();
    query.put("m_shop", credentials.get(PayeerPlugin.SHOP_ID));
    query.put("m_orderid", request.checkoutId());
    query.put("m_amount", amount(request.amountMinor(), currency));
    query.put("m_curr", currency);
    query.put(
        "m_desc", Base64.getEncoder().encodeToString(description.getBytes(StandardCharsets.UTF_8)));
    query.put("m_sign", sign(query, credentials.get(PayeerPlugin.SECRET_KEY)));
    String url = pageUrl + "?" + GatewayHttp.formEncode(query);
    return new StartedCheckout(request.checkoutId(), new JsonObject().put("url", url));
  }

  /** The amount with two decimals; a currency amount finer than that is refused. */
  static String amount(long minor, String currency) {
    try {
      return BigDecimal.valueOf(minor)
          .movePointLeft(Money.exponent(currency))
          .setScale(2, RoundingMode.UNNECESSARY)
          .toPlainString();
    } catch (MalformedWebhookException e) {
      throw permanent(e.getMessage());
    } catch (ArithmeticException e) {
      throw permanent(
          "Payeer takes amounts with two decimals, and "
              + Money.toMajor(minor, currency)
              + " "
              + currency
              + " has more");
    }
  }

  /** {@code m_sign}: upper-case hex SHA-256 of the form's values and the secret key. */
  static String sign(Map<String, String> query, String secretKey) {
    String joined =
        String.join(
            ":",
            query.get("m_shop"),
            query.get("m_orderid"),
            query.get("m_amount"),
            query.get("m_curr"),
            query.get("m_desc"),
            secretKey);
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
      return Signatures.hex(digest).toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }

  private static PermanentGatewayException permanent(String detail) {
    return new PermanentGatewayException(PayeerPlugin.ID, OPERATION, detail);
  }
}
