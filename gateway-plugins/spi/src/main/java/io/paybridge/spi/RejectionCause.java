package io.paybridge.spi;

/**
 * Why a delivery was refused, in kinds a tenant can act on: the platform turns each into a likely
 * cause and its fix on the gateway's page (a wrong secret is fixed in the gateway's dashboard, a
 * stale delivery by the server's clock).
 */
public enum RejectionCause {
  /** Signed, but not with the account's secret or key: the one saved is not the gateway's. */
  WRONG_SECRET,
  /** Outside the scheme's freshness window: a replay, or a clock that is off. */
  STALE,
  /** Signed by the gateway for another account, merchant, app or environment. */
  WRONG_ACCOUNT,
  /** Carries no signature, or not the headers the gateway signs with. */
  UNSIGNED,
  /** Sent from an address the account does not allow. */
  SENDER_NOT_ALLOWED,
  /** Anything else: the reason says what. */
  OTHER
}
