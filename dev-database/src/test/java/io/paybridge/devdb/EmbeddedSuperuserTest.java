package io.paybridge.devdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Dev mode's embedded PostgreSQL opens to no password known beforehand: its superuser's password is
 * random, new for every start's options, and the cluster's folder is its owner's only.
 */
@Tag("security")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedSuperuserTest {

  @Test
  void theSuperusersPasswordIsRandomAtEveryStartAndNothingOnDiskTellsIt() throws Exception {
    Path parent = Files.createTempDirectory("pb-pg-superuser-");
    Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path data = parent.resolve("data");
    Vertx vertx = Vertx.vertx();
    try {
      PgConnectOptions first;
      // GIVEN a dev-mode cluster started as dev mode starts it
      try (EmbeddedPostgres pg =
          EmbeddedPostgres.start(EmbeddedPostgres.Options.persistent(data))) {
        first = pg.connectOptions();
        // THEN its password is random: neither the default nor empty
        assertThat(first.getPassword()).hasSizeGreaterThanOrEqualTo(24).isNotEqualTo("paybridge");
        assertThat(single(vertx, first)).isEqualTo("on");
        // AND the default password opens nothing
        assertRefused(vertx, new PgConnectOptions(first).setPassword("paybridge"));
        // AND its folder is its owner's only
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pg.dataDirectory())))
            .isEqualTo("rwx------");
      }
      // WHEN dev mode starts again on the same folder
      try (EmbeddedPostgres pg =
          EmbeddedPostgres.start(EmbeddedPostgres.Options.persistent(data))) {
        // THEN the superuser has a new password, and the earlier one no longer opens the cluster
        assertThat(pg.connectOptions().getPassword()).isNotEqualTo(first.getPassword());
        assertThat(single(vertx, pg.connectOptions())).isEqualTo("on");
        assertRefused(
            vertx, new PgConnectOptions(pg.connectOptions()).setPassword(first.getPassword()));
      }
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
      FileTrees.deleteRecursively(parent);
    }
  }

  /** Whether the connection is a superuser's ({@code on}), asked over it. */
  private static String single(Vertx vertx, PgConnectOptions options) throws Exception {
    Pool pool = PgBuilder.pool().connectingTo(options).using(vertx).build();
    try {
      return pool.query("show is_superuser")
          .execute()
          .await(30, TimeUnit.SECONDS)
          .iterator()
          .next()
          .getString(0);
    } finally {
      pool.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static void assertRefused(Vertx vertx, PgConnectOptions options) {
    assertThatThrownBy(() -> single(vertx, options))
        .hasMessageContaining("password authentication failed");
  }
}
