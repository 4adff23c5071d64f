package io.paybridge.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a gateway plugin says about itself, stated once in its constructor: the answers of {@link
 * GatewayPlugin#id()}, {@link GatewayPlugin#displayName()}, {@link
 * GatewayPlugin#credentialSchema()} and {@link GatewayPlugin#eventTable()}.
 *
 * @param id stable lower-case id used in URLs, API responses and the database, e.g. {@code stripe}
 * @param displayName name shown to people, e.g. {@code Stripe}
 * @param credentialSchema the credential fields a gateway account of this gateway takes
 * @param eventTable every event type the gateway's setup names and what Paybridge does with it
 */
public record GatewayIdentity(
    String id, String displayName, CredentialSchema credentialSchema, List<EventRule> eventTable) {

  public GatewayIdentity {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(displayName, "displayName");
    Objects.requireNonNull(credentialSchema, "credentialSchema");
    eventTable = List.copyOf(eventTable);
  }
}
