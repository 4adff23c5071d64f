package io.paybridge.console.view;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * {@code GET /console/api-clients}: the tenant's clients, the form to create one, and the new
 * client's secret right after it is created (the only time it is shown).
 */
public record ApiClientsPage(
    String csrf,
    boolean revoked,
    Created created,
    List<Client> clients,
    String error,
    List<String> scopes) {

  public record Created(String clientId, String clientSecret) {}

  public record Client(
      UUID id,
      String name,
      String clientId,
      List<String> scopes,
      OffsetDateTime createdAt,
      boolean revoked) {}
}
