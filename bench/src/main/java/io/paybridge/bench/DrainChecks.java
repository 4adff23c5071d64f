package io.paybridge.bench;

import static io.paybridge.bench.Waits.await;

import io.paybridge.bench.SyncSink.Stats;
import io.paybridge.bench.TenantSetup.Tenant;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * What must hold after a drain, by the sink, the database and the API: each failure is a problem of
 * the round.
 */
record DrainChecks(SyncProgress sync, SyncSink sink, NodeCluster cluster) {

  /**
   * The sink rejected nothing, its ids are exactly the ledger's entries of the tenants, and every
   * delivery is delivered.
   */
  void bySinkAndDatabase(List<String> problems, List<UUID> ids, Stats seen, int backlog)
      throws Exception {
    if (seen.badSignatures() > 0) {
      problems.add(seen.badSignatures() + " deliveries with a bad signature");
    }
    if (seen.staleTimestamps() > 0) {
      problems.add(seen.staleTimestamps() + " deliveries with a stale or missing timestamp");
    }
    if (seen.wrongContent() > 0) {
      problems.add(seen.wrongContent() + " deliveries whose body named another id or tenant");
    }
    if (seen.unknownEndpoint() > 0) {
      problems.add(seen.unknownEndpoint() + " deliveries to an endpoint no tenant was given");
    }
    Set<String> expected = await(sync.messageIds(ids));
    Set<String> got = await(sink.seenIds());
    if (!got.equals(expected)) {
      Set<String> missing = new HashSet<>(expected);
      missing.removeAll(got);
      Set<String> unexpected = new HashSet<>(got);
      unexpected.removeAll(expected);
      problems.add(
          "the sink's ids are not the ledger's: "
              + missing.size()
              + " missing, "
              + unexpected.size()
              + " unexpected");
    }
    Map<String, Long> byStatus = await(sync.deliveriesByStatus(ids));
    if (!byStatus.equals(Map.of("delivered", (long) backlog))) {
      problems.add("deliveries by status: " + byStatus);
    }
  }

  /**
   * The API must agree: no tenant lists a delivery pending, failed or dead, and each a delivered.
   */
  void byApi(List<String> problems, SyncTargets api, List<Tenant> tenants) throws Exception {
    List<Future<String>> answers = new ArrayList<>();
    for (int i = 0; i < tenants.size(); i++) {
      int port = cluster.node(i % cluster.size()).port();
      Tenant tenant = tenants.get(i);
      for (String status : List.of("pending", "failed", "dead", "delivered")) {
        boolean wanted = status.equals("delivered");
        answers.add(
            api.anyDelivery(port, tenant, status)
                .map(
                    any ->
                        any == wanted
                            ? null
                            : "tenant "
                                + tenant.id()
                                + (wanted ? " lists no " : " lists a ")
                                + status
                                + " delivery"));
      }
    }
    await(Future.all(answers));
    answers.stream().map(Future::result).filter(s -> s != null).limit(5).forEach(problems::add);
  }
}
