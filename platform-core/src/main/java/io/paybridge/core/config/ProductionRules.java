package io.paybridge.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What production mode refuses in a node's own settings: each development default that would
 * otherwise reach real money, named by the setting that replaces it. The cluster's settings add
 * theirs where the node is assembled.
 */
public final class ProductionRules {

  private ProductionRules() {}

  /** Why {@code config} may not run in production, one sentence per setting; empty when it may. */
  public static List<String> refusals(PaybridgeConfig config) {
    List<String> refused = new ArrayList<>();
    if (config.masterKey() == null && config.masterKeyFile() == null) {
      refused.add(
          "PAYBRIDGE_MASTER_KEY or PAYBRIDGE_MASTER_KEY_FILE must be set: production never"
              + " generates a master key, and never keeps one in the data folder");
    }
    if (!config.publicUrl().startsWith("https://")) {
      refused.add(
          "PAYBRIDGE_PUBLIC_URL must be an https:// URL (is "
              + config.publicUrl()
              + "): webhooks, tokens and console cookies travel over it");
    }
    if (config.allowPrivateTargets()) {
      refused.add(
          "PAYBRIDGE_ALLOW_PRIVATE_TARGETS must not be true: sync targets would reach the"
              + " platform's own network");
    }
    if (config.dbUrl() == null) {
      refused.add(
          "PAYBRIDGE_DB_URL must name your PostgreSQL: the embedded database is for development");
    }
    return refused;
  }
}
