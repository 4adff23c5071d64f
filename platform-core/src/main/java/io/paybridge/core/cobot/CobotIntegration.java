package io.paybridge.core.cobot;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A tenant's connection to its Cobot space.
 *
 * @param status {@link #AUTHORIZATION_REQUIRED} until a space admin has granted access (and again
 *     when Cobot stops accepting the tokens), then {@link #CONNECTED}
 * @param secrets the OAuth client secret and the space's tokens, opened; never shown
 * @param hookKey the secret part of the {@code created_invoice} callback URL
 * @param pageKey the secret part of the members' page URL
 * @param navigationLinkUrl the members' navigation link at Cobot, once registered
 * @param subscriptionUrl the {@code created_invoice} subscription at Cobot, once registered
 */
public record CobotIntegration(
    UUID tenantId,
    String subdomain,
    String gateway,
    String clientId,
    String status,
    Secrets secrets,
    OffsetDateTime tokenExpiresAt,
    String hookKey,
    String pageKey,
    String navigationLinkUrl,
    String subscriptionUrl,
    OffsetDateTime connectedAt,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt) {

  public static final String AUTHORIZATION_REQUIRED = "authorization_required";
  public static final String CONNECTED = "connected";

  public boolean connected() {
    return CONNECTED.equals(status);
  }

  /**
   * What is sealed at rest: the OAuth client's secret and the tokens Cobot issued (null before the
   * first authorization; the refresh token also when Cobot gives none).
   */
  public record Secrets(String clientSecret, String accessToken, String refreshToken) {

    public Secrets withTokens(String access, String refresh) {
      return new Secrets(clientSecret, access, refresh);
    }

    @Override
    public String toString() {
      return "Secrets[sealed]";
    }
  }
}
