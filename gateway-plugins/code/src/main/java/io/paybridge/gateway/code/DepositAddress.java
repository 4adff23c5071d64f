package io.paybridge.gateway.code;

import io.paybridge.spi.Verdict;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;

/**
 * A Code wallet's deposit address (Base58 of a 32-byte Solana address), and the check that a token
 * Code signed pays it: Code signs every merchant's webhooks with one key, so only the {@code
 * destination} a token names tells whose payment it is.
 */
final class DepositAddress {

  /** How the reason of a refusal for another deposit address begins. */
  static final String MISDIRECTED = "payment to deposit address ";

  /** Length of a Solana address, which a deposit address is. */
  private static final int ADDRESS_LENGTH = 32;

  private final String text;
  private final byte[] bytes;

  private DepositAddress(String text, byte[] bytes) {
    this.text = text;
    this.bytes = bytes;
  }

  /**
   * The address a Base58 text names.
   *
   * @throws IllegalArgumentException saying why the text is not one, for "depositAddress …"
   */
  static DepositAddress parse(String base58) {
    return new DepositAddress(base58, decode(base58));
  }

  private static byte[] decode(String base58) {
    byte[] raw;
    try {
      raw = Base58.decode(base58);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "must be the Base58 deposit address of your Code wallet: " + e.getMessage(), e);
    }
    if (raw.length != ADDRESS_LENGTH) {
      throw new IllegalArgumentException(
          "must be the Base58 deposit address of your Code wallet ("
              + ADDRESS_LENGTH
              + " bytes), but decodes to "
              + raw.length
              + " bytes");
    }
    return raw;
  }

  /**
   * Whether a token Code signed is for this address: its {@code destination}, when it names one,
   * must be this address, and a payment ({@code SUBMITTED}) must name one. A payload that is not a
   * JSON object is let through: parsing refuses it as malformed.
   */
  Verdict paidBy(byte[] payload) {
    Object decoded;
    try {
      decoded = io.vertx.core.json.Json.decodeValue(Buffer.buffer(payload));
    } catch (DecodeException e) {
      return Verdict.ok();
    }
    if (!(decoded instanceof JsonObject claims)) {
      return Verdict.ok();
    }
    Object destination = claims.getValue("destination");
    if (destination == null) {
      return CodePlugin.STATE_SUBMITTED.equals(claims.getValue("state"))
          ? Verdict.misdirected(MISDIRECTED + "(none named), not this account's " + text)
          : Verdict.ok();
    }
    if (destination instanceof String other && is(other)) {
      return Verdict.ok();
    }
    return Verdict.misdirected(
        MISDIRECTED
            + CodePlugin.shorten(String.valueOf(destination))
            + ", not this account's "
            + text);
  }

  private boolean is(String base58) {
    try {
      return MessageDigest.isEqual(decode(base58), bytes);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
