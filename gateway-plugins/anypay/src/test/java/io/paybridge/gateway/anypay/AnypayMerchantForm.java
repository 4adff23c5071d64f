package io.paybridge.gateway.anypay;

import io.paybridge.testkit.Answer;
import io.paybridge.testkit.ApiCall;
import io.paybridge.testkit.GatewaySimulator;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Plays Anypay's payment form in tests: {@code /merchant} takes the form's fields in the query (or
 * a form POST) and opens the payment only when they are what Anypay's documentation of the form
 * asks for: {@code merchant_id} the project, {@code pay_id} an order number of at most 15 digits,
 * {@code amount} a decimal with at most two decimals, a currency Anypay takes, {@code desc} of at
 * most 150 characters, and {@code sign} by the project's scheme, computed here on its own: {@code
 * sha256} of {@code merchant_id:pay_id:amount:currency:desc:success_url:fail_url:<secret>}, or
 * {@code md5} of {@code currency:amount:<secret>:merchant_id:pay_id}. It answers the payment page
 * (200) or an error page (400) naming what is wrong.
 */
final class AnypayMerchantForm extends GatewaySimulator<AnypayMerchantForm> {

  static final String PATH = "/merchant";

  private static final Set<String> CURRENCIES = Set.of("RUB", "UAH", "BYN", "KZT", "USD", "EUR");
  private static final Pattern AMOUNT = Pattern.compile("[0-9]{1,10}(\\.[0-9]{1,2})?");
  private static final Pattern PAY_ID = Pattern.compile("[0-9]{1,15}");

  private final String projectId;
  private final String secretKey;
  private final String scheme;

  AnypayMerchantForm(String projectId, String secretKey, String scheme) {
    this.projectId = Objects.requireNonNull(projectId, "projectId");
    this.secretKey = Objects.requireNonNull(secretKey, "secretKey");
    this.scheme = Objects.requireNonNull(scheme, "scheme");
  }

  @Override
  public Map<String, String> pluginSettings() {
    return Map.of(AnypayPlugin.FORM_URL_SETTING, baseUrl() + PATH);
  }

  @Override
  protected void routes(Router router) {
    router.route(PATH).handler(ctx -> answer(ctx, page(call(ctx))));
  }

  private Answer page(ApiCall call) {
    Map<String, String> form = call.method().equals("POST") ? call.form() : call.queryParams();
    String problem = problem(form);
    return problem == null
        ? Answer.of(
            200,
            "text/html; charset=utf-8",
            "<h1>"
                + form.get("desc")
                + "</h1><p>"
                + form.get("amount")
                + " "
                + form.get("currency")
                + ", order "
                + form.get("pay_id")
                + "</p>")
        : Answer.of(400, "text/html; charset=utf-8", "<p>Error: " + problem + "</p>");
  }

  private String problem(Map<String, String> form) {
    for (String field : new String[] {"merchant_id", "pay_id", "amount", "sign"}) {
      if (form.get(field) == null || form.get(field).isEmpty()) {
        return field + " is missing";
      }
    }
    if (!projectId.equals(form.get("merchant_id"))) {
      return "unknown project";
    }
    if (!PAY_ID.matcher(form.get("pay_id")).matches()) {
      return "pay_id must be a number of at most 15 digits";
    }
    if (!AMOUNT.matcher(form.get("amount")).matches()) {
      return "wrong amount";
    }
    String currency = form.getOrDefault("currency", "RUB");
    if (!CURRENCIES.contains(currency)) {
      return "currency not supported";
    }
    String desc = form.getOrDefault("desc", "");
    if (desc.codePointCount(0, desc.length()) > 150) {
      return "desc is too long";
    }
    String expected =
        AnypayPlugin.MD5.equals(scheme)
            ? hex(
                "MD5",
                String.join(
                    ":", currency, form.get("amount"), secretKey, projectId, form.get("pay_id")))
            : hex(
                "SHA-256",
                String.join(
                    ":",
                    projectId,
                    form.get("pay_id"),
                    form.get("amount"),
                    currency,
                    desc,
                    form.getOrDefault("success_url", ""),
                    form.getOrDefault("fail_url", ""),
                    secretKey));
    return expected.equals(form.get("sign")) ? null : "wrong signature";
  }

  static String hex(String algorithm, String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance(algorithm).digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
