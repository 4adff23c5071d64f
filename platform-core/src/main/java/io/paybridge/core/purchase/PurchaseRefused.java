package io.paybridge.core.purchase;

import java.util.Objects;

/**
 * A purchase the store says is not to be booked as handed over: a forged or malformed signed
 * transaction, another app's purchase, one made in the other environment, a cancelled or refunded
 * one, or one the account's credentials cannot confirm. The API answers it 422 with the code, the
 * reason and the member of the purchase at fault.
 */
public final class PurchaseRefused extends RuntimeException {

  private final String code;
  private final String field;

  /**
   * @param code a stable, machine-readable name of the refusal ({@code bad_signature})
   * @param reason what is wrong and what to do, for a person
   * @param field the member of the purchase at fault, or {@code null}
   */
  public PurchaseRefused(String code, String reason, String field) {
    super(reason, null, false, false);
    this.code = Objects.requireNonNull(code, "code");
    this.field = field;
  }

  public String code() {
    return code;
  }

  /** The member of the purchase at fault, or {@code null} when it is the purchase as a whole. */
  public String field() {
    return field;
  }
}
