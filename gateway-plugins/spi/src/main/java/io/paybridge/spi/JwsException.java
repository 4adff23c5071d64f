package io.paybridge.spi;

/**
 * A JWS, or the certificate chain in its header, is not what the plugin accepts: malformed, under
 * an algorithm it does not take, signed by an untrusted chain, or with a signature of the wrong
 * shape. The message says which, for the log and the tenant's receipt log; it never carries key
 * material.
 */
public final class JwsException extends Exception {

  public JwsException(String message) {
    super(message, null, false, false);
  }
}
