package io.paybridge.deploy;

import io.paybridge.core.config.Mode;
import io.paybridge.core.config.PaybridgeConfig;
import io.paybridge.core.config.ProductionRules;
import io.paybridge.core.vault.MasterKeys;
import java.util.ArrayList;
import java.util.List;

/**
 * What a node's mode asks of it at start: production refuses to start while any development default
 * is in place, naming each setting at fault; dev mode says once what it relaxed.
 */
final class ModeRules {

  private ModeRules() {}

  /**
   * Refuses production settings that keep a development default: the node's own ({@link
   * ProductionRules}) and the cluster's.
   *
   * @throws IllegalArgumentException naming every setting at fault
   */
  static void refuseUnsafe(PaybridgeConfig config, ClusterSettings cluster) {
    if (config.mode() != Mode.PRODUCTION) {
      return;
    }
    List<String> refused = new ArrayList<>(ProductionRules.refusals(config));
    refused.addAll(cluster.productionRefusals());
    if (!refused.isEmpty()) {
      throw new IllegalArgumentException(
          "production mode (PAYBRIDGE_MODE=production) refuses to start: "
              + String.join("; ", refused)
              + ". PAYBRIDGE_MODE=dev runs with development defaults instead.");
    }
  }

  /**
   * The one line dev mode logs at start, saying what it relaxed; {@code null} in production.
   *
   * @param keys the master keys the node runs with, generated into the data folder or not
   * @param embedded whether the node starts the embedded database
   */
  static String relaxations(
      PaybridgeConfig config, ClusterSettings cluster, MasterKeys keys, boolean embedded) {
    if (config.mode() != Mode.DEV) {
      return null;
    }
    List<String> relaxed = new ArrayList<>();
    if (keys.devKeyFile() != null) {
      relaxed.add("master key generated beside the data in " + keys.devKeyFile());
    }
    if (embedded) {
      relaxed.add("embedded PostgreSQL under " + config.dataDir());
    }
    if (!config.publicUrl().startsWith("https://")) {
      relaxed.add("plain http public URL with console cookies not Secure and no HSTS");
    }
    if (config.allowPrivateTargets()) {
      relaxed.add("sync targets may be private addresses");
    }
    if (!cluster.productionRefusals().isEmpty()) {
      relaxed.add("cluster without a secret");
    }
    String host = config.httpHost();
    boolean loopback = host.equals("127.0.0.1") || host.equals("::1") || host.equals("localhost");
    return "dev mode: "
        + (relaxed.isEmpty() ? "nothing relaxed" : String.join(", ", relaxed))
        + "; HTTP on "
        + host
        + (loopback ? " only (PAYBRIDGE_HTTP_HOST opens it)" : "")
        + ". Not for real money: PAYBRIDGE_MODE=production refuses every development default.";
  }
}
