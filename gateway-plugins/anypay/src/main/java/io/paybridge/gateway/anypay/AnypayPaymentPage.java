package io.paybridge.gateway.anypay;

import io.paybridge.spi.Checkouts.CheckoutRequest;
import io.paybridge.spi.Checkouts.StartedCheckout;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayHttp;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.Money;
import io.paybridge.spi.PermanentGatewayException;
import io.paybridge.spi.Signatures;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A checkout at Anypay is its payment form ({@code https://anypay.io/merchant}), to which the
 * customer is sent with the order in the query, signed as Anypay documents the form for the
 * project's signing scheme:
 *
 * <ul>
 *   <li>{@code sha256}: lower-case hex SHA-256 of {@code merchant_id:pay_id:amount:currency:desc:
 *       success_url:fail_url:<secret key>} (the URLs empty when not sent);
 *   <li>{@code md5} (older projects): lower-case hex MD5 of {@code currency:amount:<secret key>:
 *       merchant_id:pay_id}.
 * </ul>
 *
 * {@code merchant_id} is the project id, {@code amount} the amount in major units with the
 * currency's decimals, {@code desc} the description (else {@code Order <checkout id>}), cut to what
 * Anypay shows, and the return URL, when there is one, {@code success_url} and {@code fail_url}.
 * Nothing is sent to Anypay: the URL is computed, the same on every try.
 *
 * <p>Anypay's order number {@code pay_id} is an integer of at most 15 digits. A checkout id that is
 * one is used as it is; any other (a UUID) becomes the 15-digit number formed from the first 64
 * bits of its SHA-256, the same for the same checkout every time. That number is the checkout's
 * reference and what Anypay's notifications book as the external payment id. Two checkouts could
 * map to one number (about once in 10^15 pairs); the platform keeps references unique per account,
 * so such a checkout fails to start rather than sharing another's payments.
 */
final class AnypayPaymentPage {

  /** Anypay's payment form. */
  static final String DEFAULT_URL = "https://anypay.io/merchant";

  /** What Anypay shows of a description at most. */
  static final int MAX_DESC = 150;

  private static final String OPERATION = "payment page";
  private static final Pattern PAY_ID = Pattern.compile("[1-9][0-9]{0,14}");
  private static final BigInteger SPREAD = BigInteger.valueOf(900_000_000_000_000L);
  private static final BigInteger FLOOR = BigInteger.valueOf(100_000_000_000_000L);

  private AnypayPaymentPage() {}

  /** The signed form URL of the checkout; a failure naming what the account or checkout lacks. */
  static StartedCheckout start(String formUrl, CheckoutRequest request, Credentials credentials) {
    String missing = credentials.firstMissing(AnypayPlugin.PROJECT_ID, AnypayPlugin.SECRET_KEY);
    if (missing != null) {
      throw permanent(
          "the Anypay account has no '"
              + missing
              + "': add the project id and secret key to its credentials");
    }
    String currency = request.currency().toUpperCase(Locale.ROOT);
    String amount;
    try {
      amount = Money.toMajor(request.amountMinor(), currency);
    } catch (MalformedWebhookException e) {
      throw permanent(e.getMessage());
    }
    boolean md5 = AnypayPlugin.MD5.equals(credentials.get(AnypayPlugin.SIGN_SCHEME));
    String accountCurrency = credentials.get(AnypayPlugin.ACCOUNT_CURRENCY);
    if (md5 && !currency.equals(accountCurrency)) {
      throw permanent(
          "the Anypay account signs with md5, which does not sign the currency, so it books"
              + " payments only in its accountCurrency "
              + accountCurrency
              + ", not "
              + currency);
    }
    String payId = payId(request.checkoutId());
    String desc = description(request);
    String back = request.returnUrl() == null ? "" : request.returnUrl().strip();
    String projectId = credentials.get(AnypayPlugin.PROJECT_ID);
    String secret = credentials.get(AnypayPlugin.SECRET_KEY);
    Map<String, String> query = new LinkedHashMap<>();
    query.put("merchant_id", projectId);
    query.put("pay_id", payId);
    query.put("amount", amount);
    query.put("currency", currency);
    query.put("desc", desc);
    if (!back.isEmpty()) {
      query.put("success_url", back);
      query.put("fail_url", back);
    }
    query.put(
        "sign",
        md5
            ? hex("MD5", String.join(":", currency, amount, secret, projectId, payId))
            : hex(
                "SHA-256",
                String.join(":", projectId, payId, amount, currency, desc, back, back, secret)));
    String url = formUrl + "?" + GatewayHttp.formEncode(query);
    return new StartedCheckout(payId, new JsonObject().put("url", url));
  }

  /** Anypay's order number of the checkout: its id when that is one, else one made from it. */
  static String payId(String checkoutId) {
    if (PAY_ID.matcher(checkoutId).matches()) {
      return checkoutId;
    }
    byte[] digest = digest("SHA-256", checkoutId);
    BigInteger first64 = new BigInteger(1, java.util.Arrays.copyOf(digest, 8));
    return FLOOR.add(first64.mod(SPREAD)).toString();
  }

  private static String description(CheckoutRequest request) {
    String text =
        request.description() == null || request.description().isBlank()
            ? "Order " + request.checkoutId()
            : request.description().strip();
    if (text.codePointCount(0, text.length()) <= MAX_DESC) {
      return text;
    }
    return text.substring(0, text.offsetByCodePoints(0, MAX_DESC));
  }

  private static String hex(String algorithm, String text) {
    return Signatures.hex(digest(algorithm, text));
  }

  private static byte[] digest(String algorithm, String text) {
    try {
      return MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " unavailable", e);
    }
  }

  private static PermanentGatewayException permanent(String detail) {
    return new PermanentGatewayException(AnypayPlugin.ID, OPERATION, detail);
  }
}
