package io.paybridge.gateway.payeer;

import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.GatewaySimulator;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Plays Payeer's merchant payment page in tests: {@code /merchant/} takes the payment form's fields
 * in the query (or a form POST) and opens the payment only when they are what Payeer's merchant
 * documentation asks for: {@code m_shop} the shop's id, {@code m_amount} with two decimals, a
 * currency Payeer takes, {@code m_desc} base64, and {@code m_sign} the upper-case hex SHA-256 of
 * {@code m_shop:m_orderid:m_amount:m_curr:m_desc:<secret key>}, computed here on its own. It
 * answers the payment page (200), or an error page (400) naming what is wrong.
 */
final class PayeerMerchantPage extends GatewaySimulator<PayeerMerchantPage> {

  static final String PATH = "/merchant/";

  private static final Set<String> CURRENCIES = Set.of("USD", "EUR", "RUB");
  private static final Pattern AMOUNT = Pattern.compile("[0-9]{1,10}\\.[0-9]{2}");

  private final String shopId;
  private final String secretKey;

  PayeerMerchantPage(String shopId, String secretKey) {
    this.shopId = Objects.requireNonNull(shopId, "shopId");
    this.secretKey = Objects.requireNonNull(secretKey, "secretKey");
  }

  @Override
  public Map<String, String> pluginSettings() {
    return Map.of(PayeerPlugin.PAGE_URL_SETTING, baseUrl() + "/merchant");
  }

  @Override
  protected void routes(Router router) {
    router.route(PATH).handler(ctx -> answer(ctx, page(call(ctx))));
  }

  private Answer page(ApiCall call) {
    Map<String, String> form = call.method().equals("POST") ? call.form() : call.queryParams();
    String problem = problem(form);
    if (problem != null) {
      return Answer.of(400, "text/html; charset=utf-8", "<p>Error: " + problem + "</p>");
    }
    String description =
        new String(Base64.getDecoder().decode(form.get("m_desc")), StandardCharsets.UTF_8);
    return Answer.of(
        200,
        "text/html; charset=utf-8",
        "<h1>Payment of "
            + form.get("m_amount")
            + " "
            + form.get("m_curr")
            + "</h1><p>"
            + description
            + " (order "
            + form.get("m_orderid")
            + ")</p>");
  }

  private String problem(Map<String, String> form) {
    for (String field : new String[] {"m_shop", "m_orderid", "m_amount", "m_curr", "m_desc"}) {
      if (form.get(field) == null || form.get(field).isEmpty()) {
        return field + " is missing";
      }
    }
    if (!shopId.equals(form.get("m_shop"))) {
      return "unknown shop";
    }
    if (!AMOUNT.matcher(form.get("m_amount")).matches()) {
      return "wrong amount format";
    }
    if (!CURRENCIES.contains(form.get("m_curr"))) {
      return "currency not supported";
    }
    try {
      Base64.getDecoder().decode(form.get("m_desc"));
    } catch (IllegalArgumentException e) {
      return "m_desc is not base64";
    }
    String joined =
        String.join(
            ":",
            form.get("m_shop"),
            form.get("m_orderid"),
            form.get("m_amount"),
            form.get("m_curr"),
            form.get("m_desc"),
            secretKey);
    return signOf(joined).equals(form.get("m_sign")) ? null : "wrong signature";
  }

  static String signOf(String joined) {
    try {
      return HexFormat.of()
          .withUpperCase()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
