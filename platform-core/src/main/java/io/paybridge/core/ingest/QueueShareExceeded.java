package io.paybridge.core.ingest;

/**
 * A webhook refused at the group-commit queue because its tenant already holds its share of it
 * ({@link TenantShares}): nothing was recorded or acknowledged, and the gateway is answered 503
 * with {@code Retry-After} so that it delivers again.
 */
public final class QueueShareExceeded extends RuntimeException {

  /** Seconds the gateway is asked to wait before delivering again. */
  public static final int RETRY_AFTER_SECONDS = 5;

  QueueShareExceeded(int share) {
    super(
        "this account's webhooks hold their share of the ingest queue ("
            + share
            + " waiting); deliver again later",
        null,
        false,
        false);
  }
}
