package io.paybridge.gateway.appstore;

/**
 * Data that claims to be signed by the App Store is not: the token is malformed, the certificate
 * chain does not lead to a trusted Apple root, the signature does not match, or the signed content
 * names another app or environment. The message says which, for the log; it never carries key
 * material.
 */
final class SignedDataException extends Exception {

  /** Which check the data failed, for callers that answer each differently. */
  enum Failure {
    /** Not a well-formed App Store JWS: parts, header, {@code x5c} or payload. */
    MALFORMED,
    /** The {@code x5c} chain does not lead to a trusted Apple root. */
    UNTRUSTED_CHAIN,
    /** The signature does not verify with the chain's leaf key. */
    BAD_SIGNATURE,
    /** Authentic, but about another app or environment, or otherwise not acceptable. */
    CONTENT
  }

  private final Failure failure;

  SignedDataException(String message) {
    this(Failure.CONTENT, message);
  }

  SignedDataException(Failure failure, String message) {
    super(message, null, false, false);
    this.failure = failure;
  }

  Failure failure() {
    return failure;
  }
}
