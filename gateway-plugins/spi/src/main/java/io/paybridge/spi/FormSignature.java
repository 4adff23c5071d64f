package io.paybridge.spi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * How PHP gateways sign a form notification (Payeer, Anypay): a hex digest of chosen values,
 * exactly as received and each followed by {@code :}, and then of the merchant's secret, {@code
 * hash(implode(':', [$value1, …, $valueN, $secret]))}, sent in a field of its own. The signature is
 * compared as the gateway writes it, in constant time.
 *
 * @param algorithm the JDK digest, e.g. {@code SHA-256} or {@code MD5}
 * @param upperCase whether the gateway writes the hex digits in upper case
 * @param signField the field carrying the signature
 */
public record FormSignature(String algorithm, boolean upperCase, String signField) {

  /**
   * The signature of the values of {@code fields} and the secret, as the gateway writes it.
   *
   * @throws IllegalArgumentException when the form lacks one of the fields
   */
  public String sign(FormBody form, List<String> fields, String secret) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " unavailable", e);
    }
    for (String field : fields) {
      byte[] value = form.raw(field);
      if (value == null) {
        throw new IllegalArgumentException("the form has no '" + field + "' to sign");
      }
      digest.update(value);
      digest.update((byte) ':');
    }
    HexFormat hex = upperCase ? HexFormat.of().withUpperCase() : HexFormat.of();
    return hex.formatHex(digest.digest(secret.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Whether the form carries every signed field and a signature of them and the secret: {@link
   * Verdict#ok()}, or rejected naming the missing field or the mismatch.
   */
  public Verdict verify(FormBody form, List<String> fields, String secret) {
    String missing = form.firstMissing(fields);
    if (missing != null) {
      return Verdict.rejected("the notification has no signed field '" + missing + "'");
    }
    byte[] received = form.raw(signField);
    if (received == null) {
      return Verdict.rejected(
          RejectionCause.UNSIGNED, "the notification has no '" + signField + "'");
    }
    byte[] expected = sign(form, fields, secret).getBytes(StandardCharsets.US_ASCII);
    if (!MessageDigest.isEqual(expected, received)) {
      return Verdict.rejected(
          RejectionCause.WRONG_SECRET,
          "'" + signField + "' does not match the " + algorithm + " of the signed fields and key");
    }
    return Verdict.ok();
  }
}
