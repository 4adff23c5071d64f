package io.paybridge.console.view;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /console/api-clients}: the tenant's clients with their last use, the form to create
 * one, a rotation per client, and a new (or rotated) client's secret right after it is made, the
 * only time it is shown.
 *
 * @param rotated the client whose secret was just rotated, or {@code null}
 * @param overlaps how long a rotated secret's predecessor may keep working, to choose from
 */
public record ApiClientsPage(
    String csrf,
    boolean revoked,
    Created created,
    List<Client> clients,
    String error,
    List<String> scopes,
    Rotated rotated,
    List<Option> overlaps) {

  public record Created(String clientId, String clientSecret) {}

  /**
   * A client's new secret; the previous one works until {@code previousUntil} ({@code null}: it
   * stopped at once).
   */
  public record Rotated(String clientId, String clientSecret, OffsetDateTime previousUntil) {}

  /**
   * A client as listed.
   *
   * @param previousUntil until when the secret before its last rotation still works, or {@code
   *     null} when none does
   */
  public record Client(
      UUID id,
      String name,
      String clientId,
      List<String> scopes,
      OffsetDateTime createdAt,
      boolean revoked,
      OffsetDateTime lastUsedAt,
      OffsetDateTime previousUntil) {}
}
