package io.paybridge.core.gateway;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayPlugin;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A tenant's account at one gateway, with its credentials decrypted. Lives only in memory (the hook
 * cache and request handling); the database holds the ciphertext.
 */
public record GatewayAccount(
    UUID id,
    UUID tenantId,
    GatewayPlugin plugin,
    String hookKey,
    Credentials credentials,
    OffsetDateTime createdAt,
    OffsetDateTime updatedAt,
    String unknownSubscriptions) {

  /** The default: a charge for a subscription nobody registered is recorded like any other. */
  public static final String RECORD = "record";

  /** Cancel a subscription the tenant does not know at the gateway and refund its charge. */
  public static final String CANCEL_AND_REFUND = "cancel-and-refund";

  /** Whether charges for unknown subscriptions are cancelled and refunded. */
  public boolean cancelsUnknownSubscriptions() {
    return CANCEL_AND_REFUND.equals(unknownSubscriptions);
  }

  public String gateway() {
    return plugin.id();
  }
}
