package io.paybridge.api;

import io.paybridge.core.http.HttpErrors;
import io.vertx.ext.web.RoutingContext;

/**
 * Why a request's bearer token was refused, answered 401: the problem document's {@code error} and
 * {@code detail} say which of the reasons it was, and so does {@code WWW-Authenticate} in the words
 * of RFC 6750 ({@code error="invalid_token"} with an {@code error_description}; a request without a
 * token gets the bare challenge, as section 3.1 asks). A partner's program reads the code; a person
 * reads the detail and knows whether to fetch a new token, fix its configuration or ask the tenant
 * why its client was deleted.
 */
final class TokenRefusal extends RuntimeException {

  /** The realm every challenge of the API names. */
  static final String REALM = "paybridge";

  /** The reasons, each with the stable code its problem type is named after. */
  enum Reason {
    /** No bearer token in the request. */
    MISSING("token_missing"),
    /** Not a token this API can read or trust: its format, algorithm, key or signature. */
    INVALID("token_invalid"),
    /** A good token whose lifetime is over. */
    EXPIRED("token_expired"),
    /** A token meant for another service. */
    WRONG_AUDIENCE("token_wrong_audience"),
    /** A token from an issuer this API does not accept. */
    WRONG_ISSUER("token_wrong_issuer"),
    /** A token of an API client that was deleted, or whose old secret stopped after a rotation. */
    REVOKED("token_revoked"),
    /** A token of the operator's identity provider naming a tenant this platform does not have. */
    UNKNOWN_TENANT("token_unknown_tenant");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    String code() {
      return code;
    }
  }

  private final Reason reason;

  TokenRefusal(Reason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  static TokenRefusal missing(String detail) {
    return new TokenRefusal(Reason.MISSING, detail);
  }

  static TokenRefusal invalid(String detail) {
    return new TokenRefusal(Reason.INVALID, detail);
  }

  Reason reason() {
    return reason;
  }

  /** Answers the request 401 with the challenge and the problem document. */
  void respond(RoutingContext ctx) {
    if (ctx.response().headWritten()) {
      return;
    }
    String challenge = "Bearer realm=\"" + REALM + "\"";
    if (reason != Reason.MISSING) {
      challenge +=
          ", error=\"invalid_token\", error_description=\"" + quotable(getMessage()) + "\"";
    }
    ctx.response().putHeader("WWW-Authenticate", challenge);
    HttpErrors.respond(ctx, 401, reason.code(), getMessage());
  }

  /**
   * Text fit for an RFC 6750 quoted attribute, which allows printable ASCII but {@code "} and
   * {@code \}.
   */
  static String quotable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      if (c == '"') {
        out.append('\'');
      } else if (c == '\\' || c < 0x20 || c > 0x7e) {
        out.append('?');
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
