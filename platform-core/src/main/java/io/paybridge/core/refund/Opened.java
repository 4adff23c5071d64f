package io.paybridge.core.refund;

import io.paybridge.core.job.Job;

/** How opening a refund ended: a refund made, one made before under the key, or why none was. */
public sealed interface Opened {

  /** A new refund, with its first attempt's job claimed by the caller. */
  record Made(Refund refund, Job firstAttempt) implements Opened {}

  /** The refund an earlier request with the same key opened, and what that request said. */
  record Earlier(Refund refund, String fingerprint) implements Opened {}

  /** The tenant has no such payment. */
  record NoPayment() implements Opened {}

  /** The entry is not money received (a refund, a dispute, an authorization, no amount). */
  record NotRefundable(String kind) implements Opened {}

  /** The amount asked for is more than is left ({@code left} may be zero). */
  record Exceeds(long left, String currency) implements Opened {}
}
