package io.paybridge.gateway.stripe;

import java.util.ArrayList;
import java.util.List;

/**
 * The parsed {@code Stripe-Signature} header: {@code t=<unix seconds>,v1=<hex>[,v1=<hex>...]}.
 *
 * <p>Items of other schemes ({@code v0}, test-mode schemes) are skipped, as Stripe asks; several
 * {@code v1} items appear while an endpoint's secret is being rolled. A header with no timestamp,
 * more than one timestamp, a timestamp that is not a plain decimal number, or no {@code v1} item
 * does not parse.
 *
 * @param timestamp the signing time as sent: the exact digits that were signed
 * @param v1 every {@code v1} signature, in header order
 */
record StripeSignatureHeader(String timestamp, List<String> v1) {

  /** Longer timestamps are not seconds since 1970 and could overflow arithmetic. */
  private static final int MAX_TIMESTAMP_DIGITS = 18;

  StripeSignatureHeader {
    v1 = List.copyOf(v1);
  }

  /** The timestamp in seconds since the epoch. */
  long epochSecond() {
    return Long.parseLong(timestamp);
  }

  /**
   * Parses a header value.
   *
   * @throws IllegalArgumentException with a reason fit for the log
   */
  static StripeSignatureHeader parse(String header) {
    String timestamp = null;
    List<String> signatures = new ArrayList<>();
    for (String item : header.split(",", -1)) {
      int eq = item.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = item.substring(0, eq).strip();
      String value = item.substring(eq + 1).strip();
      if (key.equals("t")) {
        if (timestamp != null) {
          throw new IllegalArgumentException("Stripe-Signature has more than one timestamp");
        }
        timestamp = value;
      } else if (key.equals("v1")) {
        signatures.add(value);
      }
    }
    if (timestamp == null) {
      throw new IllegalArgumentException("Stripe-Signature has no timestamp (t=)");
    }
    if (!isDecimal(timestamp)) {
      throw new IllegalArgumentException("Stripe-Signature timestamp is not a number of seconds");
    }
    if (signatures.isEmpty()) {
      throw new IllegalArgumentException("Stripe-Signature has no v1 signature");
    }
    return new StripeSignatureHeader(timestamp, signatures);
  }

  private static boolean isDecimal(String s) {
    if (s.isEmpty() || s.length() > MAX_TIMESTAMP_DIGITS) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }
}
