package io.paybridge.core.cobot;

/**
 * The platform's own URLs that Cobot and browsers reach, under the public URL: the OAuth callback,
 * the {@code created_invoice} callback and the members' page. The secret keys in them are the only
 * thing tying a request to a tenant.
 */
public record CobotUrls(String publicUrl) {

  /** Where Cobot sends a browser back after an authorization. */
  public String oauthCallback() {
    return publicUrl + "/cobot/oauth/callback";
  }

  /** Where Cobot posts a space's {@code created_invoice} webhooks. */
  public String invoiceHook(String hookKey) {
    return publicUrl + "/cobot/hooks/" + hookKey;
  }

  /** The members' page Cobot shows in an iframe. */
  public String memberPage(String pageKey) {
    return publicUrl + "/cobot/members/" + pageKey;
  }

  /** A signed-in member's page; the session's token is its last segment. */
  public String memberSession(String sessionToken) {
    return publicUrl + "/cobot/member/" + sessionToken;
  }
}
