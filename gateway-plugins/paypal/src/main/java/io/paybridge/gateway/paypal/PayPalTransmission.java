package io.paybridge.gateway.paypal;

import io.paybridge.spi.WebhookRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.zip.CRC32;

/**
 * The signature headers of one PayPal webhook delivery, read and checked for shape before any
 * cryptography or network call.
 *
 * <p>PayPal signs the string {@code <transmission id>|<transmission time>|<webhook id>|<crc32>},
 * where the webhook id is the receiving endpoint's id (which is not sent: it comes from the
 * account's credentials, so a delivery for another endpoint does not verify) and the CRC32 of the
 * raw body is written as an unsigned decimal. The transmission id and time are signed exactly as
 * they appear in the headers.
 *
 * @param transmissionId {@code PAYPAL-TRANSMISSION-ID}, as received
 * @param transmissionTimeText {@code PAYPAL-TRANSMISSION-TIME}, as received (it is signed as text)
 * @param transmissionTime the same time, parsed
 * @param signature the decoded {@code PAYPAL-TRANSMISSION-SIG}
 * @param certUrl {@code PAYPAL-CERT-URL}, already checked by {@link PayPalCertUrl#check}
 */
record PayPalTransmission(
    String transmissionId,
    String transmissionTimeText,
    Instant transmissionTime,
    byte[] signature,
    URI certUrl) {

  /** The only signature algorithm PayPal uses, and the only one accepted. */
  static final String ALGORITHM = "SHA256withRSA";

  private static final int MAX_ID_LENGTH = 100;
  private static final int MAX_TIME_LENGTH = 100;

  /** Base64 of a signature from a 4096-bit key is 684 characters; anything longer is not one. */
  private static final int MAX_SIGNATURE_LENGTH = 1024;

  /**
   * Reads the headers of a delivery.
   *
   * @throws IllegalArgumentException saying which header is missing or malformed
   */
  static PayPalTransmission read(WebhookRequest request) {
    String algorithm = request.header(PayPalPlugin.AUTH_ALGO_HEADER);
    if (algorithm == null || algorithm.isEmpty()) {
      throw new IllegalArgumentException("no PAYPAL-AUTH-ALGO header");
    }
    if (!ALGORITHM.equals(algorithm)) {
      throw new IllegalArgumentException(
          "PAYPAL-AUTH-ALGO is not " + ALGORITHM + ", the only algorithm accepted");
    }
    String id = request.header(PayPalPlugin.TRANSMISSION_ID_HEADER);
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("no PAYPAL-TRANSMISSION-ID header");
    }
    if (id.length() > MAX_ID_LENGTH || !printableWithoutPipe(id)) {
      throw new IllegalArgumentException("PAYPAL-TRANSMISSION-ID is malformed");
    }
    String timeText = request.header(PayPalPlugin.TRANSMISSION_TIME_HEADER);
    if (timeText == null || timeText.isBlank()) {
      throw new IllegalArgumentException("no PAYPAL-TRANSMISSION-TIME header");
    }
    if (timeText.length() > MAX_TIME_LENGTH || !printableWithoutPipe(timeText)) {
      throw new IllegalArgumentException("PAYPAL-TRANSMISSION-TIME is malformed");
    }
    Instant time;
    try {
      time = OffsetDateTime.parse(timeText, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "PAYPAL-TRANSMISSION-TIME is not an Internet date and time");
    }
    String signatureText = request.header(PayPalPlugin.TRANSMISSION_SIG_HEADER);
    if (signatureText == null || signatureText.isBlank()) {
      throw new IllegalArgumentException("no PAYPAL-TRANSMISSION-SIG header");
    }
    byte[] signature = decodeCanonicalBase64(signatureText);
    URI certUrl = PayPalCertUrl.check(request.header(PayPalPlugin.CERT_URL_HEADER));
    return new PayPalTransmission(id, timeText, time, signature, certUrl);
  }

  /**
   * Why the transmission cannot be a genuine one received at {@code receivedAt}, or {@code null}:
   * transmitted more than {@code maxAge} before it (older than PayPal's retries run), or more than
   * {@code maxSkew} after it (clocks are never that far apart).
   */
  String freshnessProblem(Instant receivedAt, Duration maxAge, Duration maxSkew) {
    Duration age = Duration.between(transmissionTime, receivedAt);
    if (age.compareTo(maxAge) > 0) {
      return "PAYPAL-TRANSMISSION-TIME "
          + transmissionTimeText
          + " is "
          + describe(age)
          + " before the delivery was received, more than the "
          + describe(maxAge)
          + " PayPal's retries of one transmission can span";
    }
    if (age.isNegative() && age.negated().compareTo(maxSkew) > 0) {
      return "PAYPAL-TRANSMISSION-TIME "
          + transmissionTimeText
          + " is "
          + describe(age.negated())
          + " after the delivery was received, more than the "
          + describe(maxSkew)
          + " of clock difference allowed";
    }
    return null;
  }

  /** A duration as people read it: {@code 4d 2h 5m 3s}, largest units first, zeros left out. */
  static String describe(Duration d) {
    long seconds = d.getSeconds();
    if (seconds == 0) {
      return d.toMillis() + "ms";
    }
    StringBuilder out = new StringBuilder();
    long[] parts = {seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60, seconds % 60};
    String[] units = {"d", "h", "m", "s"};
    for (int i = 0; i < parts.length; i++) {
      if (parts[i] != 0) {
        out.append(out.length() == 0 ? "" : " ").append(parts[i]).append(units[i]);
      }
    }
    return out.toString();
  }

  /** The exact bytes PayPal signed for this transmission to the endpoint {@code webhookId}. */
  byte[] signedBytes(String webhookId, byte[] body) {
    String signed =
        transmissionId + '|' + transmissionTimeText + '|' + webhookId + '|' + crc32(body);
    return signed.getBytes(StandardCharsets.UTF_8);
  }

  /** CRC32 of the bytes, as the unsigned number PayPal writes in decimal. */
  static long crc32(byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body);
    return crc.getValue();
  }

  /**
   * Standard base64 with padding, refusing encodings that are not the canonical one for their bytes
   * (stray bits in the last character), so that every change to the header is a change to the
   * signature.
   */
  private static byte[] decodeCanonicalBase64(String text) {
    if (text.length() > MAX_SIGNATURE_LENGTH) {
      throw new IllegalArgumentException("PAYPAL-TRANSMISSION-SIG is too long");
    }
    byte[] decoded;
    try {
      decoded = Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("PAYPAL-TRANSMISSION-SIG is not base64");
    }
    if (decoded.length == 0 || !Base64.getEncoder().encodeToString(decoded).equals(text)) {
      throw new IllegalArgumentException("PAYPAL-TRANSMISSION-SIG is not canonical base64");
    }
    return decoded;
  }

  private static boolean printableWithoutPipe(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x21 || c > 0x7e || c == '|') {
        return false;
      }
    }
    return true;
  }
}
