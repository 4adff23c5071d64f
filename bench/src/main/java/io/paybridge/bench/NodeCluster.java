package io.paybridge.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One or more nodes under test, each in its own JVM ({@link NodeProcess}), sharing one database.
 * More than one node form a cluster as production nodes do: Hazelcast over TCP/IP on loopback, a
 * member list of every node's cluster port, and a cluster name of their own so that they join
 * nothing else on the machine. One node runs unclustered, as a single production node does.
 */
final class NodeCluster implements AutoCloseable {

  /** Hazelcast's membership line in a node's log: {@code Members {size:3, ver:3} [}. */
  private static final Pattern MEMBERS = Pattern.compile("Members \\{size:(\\d+), ver:\\d+}");

  private final List<NodeProcess> nodes;
  private final List<String> names;
  private final List<Map<String, String>> envs = new ArrayList<>();
  private Path runFolder;
  private String heap;

  private NodeCluster(List<NodeProcess> nodes, List<String> names) {
    this.nodes = nodes;
    this.names = names;
  }

  /**
   * Launches {@code count} nodes named {@code <prefix>-1…}, with {@code env} plus each node's name
   * and, for more than one, the cluster settings. Returns once they have all been launched; see
   * {@link #awaitReady}.
   */
  static NodeCluster launch(
      Path runFolder, String prefix, int count, String heap, Map<String, String> env)
      throws IOException {
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clusterPorts.add(NodeProcess.freePort());
    }
    String members = String.join(",", clusterPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    String clusterName = prefix + "-" + Long.toHexString(System.nanoTime());
    List<NodeProcess> nodes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    NodeCluster cluster = new NodeCluster(nodes, names);
    cluster.runFolder = runFolder;
    cluster.heap = heap;
    try {
      for (int i = 0; i < count; i++) {
        String name = prefix + "-" + (i + 1);
        Map<String, String> own = new HashMap<>(env);
        own.put("PAYBRIDGE_NODE_NAME", name);
        own.put("PAYBRIDGE_DATA_DIR", runFolder.resolve(name + "-data").toString());
        if (count > 1) {
          own.put("PAYBRIDGE_CLUSTER_MEMBERS", members);
          own.put("PAYBRIDGE_CLUSTER_HOST", "127.0.0.1");
          own.put("PAYBRIDGE_CLUSTER_PORT", Integer.toString(clusterPorts.get(i)));
          own.put("PAYBRIDGE_CLUSTER_NAME", clusterName);
        }
        nodes.add(NodeProcess.launch(runFolder, name, heap, own));
        names.add(name);
        cluster.envs.add(Map.copyOf(own));
      }
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /**
   * Waits until every node is ready and, for a cluster, until every node's log shows all of them as
   * members.
   */
  void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (NodeProcess node : nodes) {
      node.awaitReady(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }
    if (nodes.size() < 2) {
      return;
    }
    for (int i = 0; i < nodes.size(); i++) {
      while (members(nodes.get(i).log()) != nodes.size()) {
        if (!nodes.get(i).isAlive()) {
          throw new IOException(names.get(i) + " exited; see " + nodes.get(i).log());
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              names.get(i)
                  + " sees "
                  + members(nodes.get(i).log())
                  + " cluster members, not "
                  + nodes.size()
                  + ", after "
                  + timeout.toSeconds()
                  + " s; see "
                  + nodes.get(i).log());
        }
        TimeUnit.MILLISECONDS.sleep(200);
      }
    }
  }

  /** The member count in the last membership line of a node's log; 0 before the first. */
  private static int members(Path log) throws IOException {
    String text = Files.readString(log, StandardCharsets.UTF_8);
    Matcher m = MEMBERS.matcher(text);
    int last = 0;
    while (m.find()) {
      last = Integer.parseInt(m.group(1));
    }
    return last;
  }

  int size() {
    return nodes.size();
  }

  NodeProcess node(int index) {
    return nodes.get(index);
  }

  /** Node {@code i}'s name, as it signs its job leases and delivery attempts. */
  String name(int index) {
    return names.get(index);
  }

  List<Long> pids() {
    return nodes.stream().map(NodeProcess::pid).toList();
  }

  /**
   * Starts node {@code index} again with its own settings, after it died or was killed, on a new
   * HTTP port (the same cluster port); returns once it is launched, see {@link #awaitReady}.
   */
  synchronized NodeProcess restart(int index) throws IOException, InterruptedException {
    nodes.get(index).close();
    NodeProcess node = NodeProcess.launch(runFolder, names.get(index), heap, envs.get(index));
    nodes.set(index, node);
    return node;
  }

  /** The first node that is no longer running, if any. */
  Optional<String> dead() {
    for (int i = 0; i < nodes.size(); i++) {
      if (!nodes.get(i).isAlive()) {
        return Optional.of(names.get(i) + " (see " + nodes.get(i).log() + ")");
      }
    }
    return Optional.empty();
  }

  /** Stops every node (each drains and closes its pool, or is killed after a while). */
  @Override
  public void close() {
    for (NodeProcess node : nodes) {
      try {
        node.close();
      } catch (IOException e) {
        System.err.println("bench: could not stop a node: " + e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
