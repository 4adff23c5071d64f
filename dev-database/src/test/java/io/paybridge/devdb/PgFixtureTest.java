package io.paybridge.devdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PgFixtureTest {

  @Test
  void eachCallerGetsItsOwnEmptyDatabase(Vertx vertx) throws Exception {
    // GIVEN two databases from the fixture
    PgConnectOptions first = PgFixture.newDatabase("fixture");
    PgConnectOptions second = PgFixture.newDatabase("fixture");
    assertThat(first.getDatabase()).startsWith("fixture_").isNotEqualTo(second.getDatabase());
    Pool firstPool = PgBuilder.pool().connectingTo(first).using(vertx).build();
    Pool secondPool = PgBuilder.pool().connectingTo(second).using(vertx).build();
    try {
      // WHEN a table is created and filled in the first
      await(firstPool.query("create table isolated (id int)").execute());
      await(firstPool.query("insert into isolated values (7)").execute());
      // THEN the second does not see it
      assertThat(single(firstPool, "select count(*) from isolated")).isEqualTo("1");
      assertThat(single(secondPool, "select coalesce(to_regclass('isolated')::text, 'none')"))
          .isEqualTo("none");
      assertThat(single(secondPool, "select current_database()")).isEqualTo(second.getDatabase());
    } finally {
      await(firstPool.close());
      await(secondPool.close());
    }
  }

  @Test
  void poolReconnectsWhenTheServerComesBack(Vertx vertx) throws Exception {
    assumeTrue(PgFixture.canRestart(), "an external database cannot be restarted");
    // GIVEN a pool that has talked to the server
    Pool pool =
        PgBuilder.pool().connectingTo(PgFixture.newDatabase("restart")).using(vertx).build();
    try {
      assertThat(single(pool, "select 'up'")).isEqualTo("up");
      // WHEN the server goes down
      PgFixture.stopServer();
      try {
        // THEN queries fail
        assertThatThrownBy(() -> single(pool, "select 'down'")).isNotNull();
      } finally {
        // WHEN it comes back
        PgFixture.startServer();
      }
      // THEN the same pool serves queries again
      assertThat(single(pool, "select 'up again'")).isEqualTo("up again");
    } finally {
      await(pool.close());
    }
  }

  private static String single(Pool pool, String sql) throws Exception {
    return await(pool.query(sql).execute()).iterator().next().getValue(0).toString();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(30, TimeUnit.SECONDS);
  }
}
