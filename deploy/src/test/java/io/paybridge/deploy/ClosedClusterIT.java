package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import io.paybridge.core.EventBusAddresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A closed cluster on loopback, Vert.x and Hazelcast configured exactly as a node configures them
 * ({@link ClusterSettings}): members that share the secret form one cluster and talk over the event
 * bus; a node with another secret, or none, listed in the same member list, is neither a member nor
 * reached, and cannot reach them; and a process that learned the Hazelcast cluster name and joined,
 * without the secret's key, neither receives nor sends a single event-bus message.
 */
@Tag("security")
class ClosedClusterIT {

  private static final String SECRET = "s3cr3t-" + "x".repeat(40);
  private static final String OTHER_SECRET = "other-" + "y".repeat(40);
  private static final String ASK = "paybridge.test.ask";
  private static final DeliveryOptions SHORT = new DeliveryOptions().setSendTimeout(5000);

  private final String name = "closed-" + UUID.randomUUID();
  private final List<Integer> ports = new ArrayList<>();
  private final List<Vertx> started = new ArrayList<>();
  private final List<HazelcastClusterManager> managers = new ArrayList<>();

  @AfterEach
  void close() {
    for (Vertx vertx : started) {
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // closing the others matters more
      }
    }
  }

  private List<String> members() {
    return ports.stream().map(p -> "127.0.0.1:" + p).toList();
  }

  /** A clustered Vert.x on the {@code index}-th port, configured as a node with this secret. */
  private Vertx node(int index, String secret) {
    ClusterSettings settings = clusterSettings(index, secret);
    return start(settings.hazelcast(), settings);
  }

  private Vertx start(Config hazelcast, ClusterSettings eventBus) {
    // A node ignored by every member waits this long before it runs as a cluster of its own.
    hazelcast.setProperty("hazelcast.max.join.seconds", "8");
    VertxOptions options = new VertxOptions();
    eventBus.eventBus(options.getEventBusOptions());
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast);
    Vertx vertx = await(Vertx.builder().with(options).withClusterManager(manager).buildClustered());
    started.add(vertx);
    managers.add(manager);
    return vertx;
  }

  private void ports(int count) {
    for (int i = 0; i < count; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports.add(s.getLocalPort());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private static List<String> received(Vertx vertx, String address) {
    List<String> got = new CopyOnWriteArrayList<>();
    MessageConsumer<String> consumer = vertx.eventBus().consumer(address, m -> got.add(m.body()));
    await(consumer.completion());
    return got;
  }

  private static void answers(Vertx vertx, Consumer<String> asked) {
    MessageConsumer<String> consumer =
        vertx
            .eventBus()
            .consumer(
                ASK,
                m -> {
                  asked.accept(m.body());
                  m.reply("done: " + m.body());
                });
    await(consumer.completion());
  }

  private static void waitFor(
      Duration within, java.util.function.BooleanSupplier done, String what) {
    TestNode.eventually(within, done, () -> what);
  }

  @Test
  void membersWithTheSecretFormAClusterAndOthersAreNeitherMembersNorReached() {
    ports(4);
    // GIVEN two nodes with the secret
    Vertx a = node(0, SECRET);
    Vertx b = node(1, SECRET);
    waitFor(Duration.ofSeconds(30), () -> managers.get(0).getNodes().size() == 2, "A and B met");
    // AND a node with another secret and one with none, in the same member list
    Vertx wrong = node(2, OTHER_SECRET);
    Vertx none = node(3, null);

    // THEN the members are A and B only; the others are clusters of one
    assertThat(managers.get(0).getNodes()).hasSize(2);
    assertThat(managers.get(1).getNodes()).hasSize(2);
    assertThat(managers.get(2).getNodes()).hasSize(1);
    assertThat(managers.get(3).getNodes()).hasSize(1);

    // WHEN A publishes a wake-up and asks B to act
    List<String> atB = received(b, EventBusAddresses.JOBS_WAKE);
    List<String> atWrong = received(wrong, EventBusAddresses.JOBS_WAKE);
    List<String> atNone = received(none, EventBusAddresses.JOBS_WAKE);
    List<String> actedOnByB = new CopyOnWriteArrayList<>();
    answers(b, actedOnByB::add);
    a.eventBus().publish(EventBusAddresses.JOBS_WAKE, "wake");
    String reply = await(a.eventBus().<String>request(ASK, "from A")).body();
    // THEN B gets both, and acts
    assertThat(reply).isEqualTo("done: from A");
    waitFor(Duration.ofSeconds(10), () -> atB.size() == 1, "B woken");
    assertThat(actedOnByB).containsExactly("from A");

    // WHEN the outsiders ask B to act, and publish a wake-up
    Throwable fromWrong = failure(wrong.eventBus().request(ASK, "from a wrong secret", SHORT));
    Throwable fromNone = failure(none.eventBus().request(ASK, "from no secret", SHORT));
    wrong.eventBus().publish(EventBusAddresses.JOBS_WAKE, "forged");
    none.eventBus().publish(EventBusAddresses.JOBS_WAKE, "forged");
    // THEN no handler of the cluster is known to them, and B does nothing
    assertThat(fromWrong).isInstanceOf(ReplyException.class);
    assertThat(fromNone).isInstanceOf(ReplyException.class);
    a.eventBus().publish(EventBusAddresses.JOBS_WAKE, "again");
    waitFor(Duration.ofSeconds(10), () -> atB.size() == 2, "B woken again");
    assertThat(atB).containsExactly("wake", "again");
    assertThat(actedOnByB).containsExactly("from A");
    // AND the outsiders heard nothing of A's
    assertThat(atWrong).containsOnly("forged");
    assertThat(atNone).containsOnly("forged");
  }

  @Test
  void aProcessThatLearnedTheClusterNameJoinsHazelcastButNeitherHearsNorSpeaksOnTheEventBus() {
    ports(4);
    // GIVEN two nodes with the secret
    Vertx a = node(0, SECRET);
    Vertx b = node(1, SECRET);
    // AND two intruders that know the Hazelcast cluster name (read off the wire), one with an event
    // bus keyed by another secret, one with a plain event bus
    Config learned = clusterSettings(2, SECRET).hazelcast();
    Vertx keyed = start(learned, clusterSettings(2, OTHER_SECRET));
    Config learnedToo = clusterSettings(3, SECRET).hazelcast();
    Vertx plain = start(learnedToo, clusterSettings(3, null));
    // THEN they are Hazelcast members: that is what the cluster name alone gives
    waitFor(Duration.ofSeconds(30), () -> managers.get(0).getNodes().size() == 4, "all met");

    // WHEN A publishes wake-ups that B and both intruders subscribed to
    List<String> atB = received(b, EventBusAddresses.JOBS_WAKE);
    List<String> atKeyed = received(keyed, EventBusAddresses.JOBS_WAKE);
    List<String> atPlain = received(plain, EventBusAddresses.JOBS_WAKE);
    List<String> actedOnByB = new CopyOnWriteArrayList<>();
    answers(b, actedOnByB::add);
    assertThat(await(a.eventBus().<String>request(ASK, "from A", SHORT)).body())
        .isEqualTo("done: from A");
    for (int i = 0; i < 3; i++) {
      a.eventBus().publish(EventBusAddresses.JOBS_WAKE, "wake " + i);
    }
    // THEN B gets them, the intruders none: their event bus cannot complete a handshake with A's
    waitFor(Duration.ofSeconds(10), () -> atB.size() == 3, "B woken three times");
    await(a.timer(2000));
    assertThat(atKeyed).isEmpty();
    assertThat(atPlain).isEmpty();

    // WHEN the intruders ask B to act and publish wake-ups
    Throwable fromKeyed = failure(keyed.eventBus().request(ASK, "from the keyed intruder", SHORT));
    Throwable fromPlain = failure(plain.eventBus().request(ASK, "from the plain intruder", SHORT));
    keyed.eventBus().publish(EventBusAddresses.JOBS_WAKE, "forged");
    plain.eventBus().publish(EventBusAddresses.JOBS_WAKE, "forged");
    await(a.timer(2000));
    // THEN their requests fail, and B did nothing for them
    assertThat(fromKeyed).isNotNull();
    assertThat(fromPlain).isNotNull();
    assertThat(actedOnByB).containsExactly("from A");
    assertThat(atB).containsExactly("wake 0", "wake 1", "wake 2");
  }

  private ClusterSettings clusterSettings(int index, String secret) {
    return new ClusterSettings(members(), "127.0.0.1", ports.get(index), name, secret, null);
  }

  private static Throwable failure(Future<?> future) {
    try {
      future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return null;
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
