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
    OffsetDateTime updatedAt) {

  public String gateway() {
    return plugin.id();
  }
}
