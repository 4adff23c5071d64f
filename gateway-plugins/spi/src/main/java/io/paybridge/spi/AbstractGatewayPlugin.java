package io.paybridge.spi;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;

/**
 * The base of a gateway plugin: it answers what the plugin says about itself from the {@link
 * GatewayIdentity} given to its constructor, and validates credentials by the schema first and by
 * the plugin's own rules ({@link #checkCredentials}) after. Plugins whose webhooks verify by a pure
 * check of the delivery extend {@link PureCheckGatewayPlugin} instead.
 */
public abstract class AbstractGatewayPlugin implements GatewayPlugin {

  private final GatewayIdentity identity;

  protected AbstractGatewayPlugin(GatewayIdentity identity) {
    this.identity = Objects.requireNonNull(identity, "identity");
  }

  @Override
  public String id() {
    return identity.id();
  }

  @Override
  public String displayName() {
    return identity.displayName();
  }

  @Override
  public CredentialSchema credentialSchema() {
    return identity.credentialSchema();
  }

  @Override
  public List<EventRule> eventTable() {
    return identity.eventTable();
  }

  /** Applies the schema, then {@link #checkCredentials}. */
  @Override
  public Credentials validateCredentials(JsonObject submitted) {
    return checkCredentials(identity.credentialSchema().validate(submitted));
  }

  /**
   * What the schema cannot express, checked on credentials the schema accepted: a key that must
   * decode, fields that go together. Returns the credentials, normalized where the plugin
   * normalizes them; the default returns them as they are.
   *
   * @throws InvalidCredentialsException naming the offending field
   */
  protected Credentials checkCredentials(Credentials credentials) {
    return credentials;
  }
}
