package io.paybridge.gateway.appstore;

/**
 * Data that claims to be signed by the App Store is not: the token is malformed, the certificate
 * chain does not lead to a trusted Apple root, the signature does not match, or the signed content
 * names another app or environment. The message says which, for the log; it never carries key
 * material.
 */
final class SignedDataException extends Exception {

  SignedDataException(String message) {
    super(message, null, false, false);
  }
}
