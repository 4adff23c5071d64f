package io.paybridge.deploy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What the members of a closed cluster derive from {@code PAYBRIDGE_CLUSTER_SECRET} to keep
 * everyone else out, each value a keyed digest of the secret under a label of its own:
 *
 * <ul>
 *   <li>the Hazelcast cluster name, the configured name followed by a digest of it: Hazelcast (open
 *       source) admits a joining member, and a client, only with the same cluster name, and ignores
 *       a join request with another name without saying its own; operations from a connection that
 *       is not a member are refused but for the join itself;
 *   <li>the event bus's TLS key and certificate ({@link ClusterCertificate}), with client
 *       certificates required and only that certificate trusted, so that no process without the
 *       secret can open a connection to a member's event bus port or take one from it, even one
 *       that learned the cluster name.
 * </ul>
 *
 * <p>Hazelcast's own traffic stays unencrypted (its TLS and socket interceptors are Enterprise
 * features), and the cluster name travels in it: whoever can read the traffic between the nodes, or
 * answer at a member's address, learns it and can join Hazelcast, though still not the event bus.
 */
final class ClusterSecret {

  private final byte[] secret;

  ClusterSecret(String secret) {
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
  }

  /** The Hazelcast cluster name for the configured {@code name}. */
  String clusterName(String name) {
    String digest =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(digest("paybridge hazelcast cluster name\0" + name));
    return name + "-" + digest.substring(0, 32);
  }

  /** Puts the event bus on TLS, both ways, with the cluster's own key and only it trusted. */
  void secure(EventBusOptions eventBus) {
    ClusterCertificate certificate = ClusterCertificate.derive(digest("paybridge event bus key\0"));
    Buffer cert = Buffer.buffer(certificate.certificatePem());
    eventBus
        .setSsl(true)
        .setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(
            new PemKeyCertOptions()
                .addKeyValue(Buffer.buffer(certificate.keyPem()))
                .addCertValue(cert))
        .setTrustOptions(new PemTrustOptions().addCertValue(cert));
  }

  private byte[] digest(String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  @Override
  public String toString() {
    return "ClusterSecret[set]";
  }
}
