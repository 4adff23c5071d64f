package io.paybridge.core.security;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.TestDatabase;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.core.vault.MasterKeys;
import io.paybridge.testkit.ManualClock;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The platform's token keys as nodes of one cluster share them through the database: one key at
 * first, a new one every rotation period inserted once however many nodes see it due, signing only
 * after every node has loaded it, and the old one accepted for a token lifetime after that.
 */
@Tag("security")
class TokenKeysTest {

  private static final Duration ROTATION = Duration.ofDays(30);
  private static final Duration ACTIVATION = Duration.ofMinutes(5);
  private static final Duration TTL = Duration.ofHours(1);
  private static final TokenKeys.Settings SETTINGS =
      new TokenKeys.Settings(ROTATION, ACTIVATION, Duration.ofMinutes(1), TTL);

  private final String master = MasterKeys.generateSpec("m1");
  private final ManualClock clock = new ManualClock();
  private TestDatabase db;

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  private TokenKeys node(String masterKeys) {
    CredentialVault vault = new CredentialVault(MasterKeys.parse(masterKeys));
    return new TokenKeys(db.vertx(), new TokenKeyStore(db.pool(), vault), SETTINGS, clock);
  }

  @Test
  void nodesStartingTogetherShareOneFirstKey() {
    // GIVEN an empty database
    db = TestDatabase.open("token_keys_first");
    // WHEN three nodes load their keys at once
    List<TokenKeys> nodes = List.of(node(master), node(master), node(master));
    await(Future.all(nodes.stream().map(TokenKeys::refresh).toList()));
    // THEN one key was made, and every node signs with it
    assertThat(db.count("SELECT count(*) FROM token_keys WHERE purpose = 'api-token'")).isOne();
    String kid = nodes.get(0).signing().kid();
    assertThat(nodes).allSatisfy(n -> assertThat(n.signing().kid()).isEqualTo(kid));
    assertThat(nodes.get(1).verifying(kid).secret()).isEqualTo(nodes.get(0).signing().secret());
  }

  @Test
  void aRotatedKeySignsOnceEveryNodeHasItAndTheOldOneOutlivesItsTokens() {
    // GIVEN two nodes on one key
    db = TestDatabase.open("token_keys_rotation");
    TokenKeys a = node(master);
    TokenKeys b = node(master);
    await(a.refresh());
    await(b.refresh());
    String first = a.signing().kid();

    // WHEN the rotation period has passed and one node looks first
    clock.advance(ROTATION.plusSeconds(1));
    await(a.refresh());
    String second = newestKid();

    // THEN it made the next key, which waits for the other nodes before it signs
    assertThat(second).isNotEqualTo(first);
    assertThat(a.verifying(second)).isNotNull();
    assertThat(a.signing().kid()).isEqualTo(first);
    // AND the other node, looking next, makes none of its own and accepts the new key's tokens
    await(b.refresh());
    assertThat(db.count("SELECT count(*) FROM token_keys WHERE purpose = 'api-token'"))
        .isEqualTo(2);
    assertThat(b.verifying(second)).isNotNull();

    // WHEN the new key is active
    clock.advance(ACTIVATION);
    // THEN both sign with it, and both still accept tokens of the old one
    assertThat(a.signing().kid()).isEqualTo(second);
    assertThat(b.signing().kid()).isEqualTo(second);
    assertThat(b.verifying(first)).isNotNull();

    // WHEN the old key's last tokens have expired
    clock.advance(TTL.plus(TokenKeys.LEEWAY));
    await(a.refresh());
    // THEN its tokens are refused
    assertThat(a.verifying(first)).isNull();
    assertThat(b.verifying(first)).isNull();
    assertThat(a.verifying("tk_unknown")).isNull();
  }

  @Test
  void nodesThatSeeARotationDueTogetherMakeOneKey() {
    // GIVEN four nodes on a key that is due for rotation
    db = TestDatabase.open("token_keys_race");
    List<TokenKeys> nodes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      nodes.add(node(master));
    }
    await(nodes.get(0).refresh());
    clock.advance(ROTATION.plusSeconds(1));
    // WHEN they all look at once
    await(Future.all(nodes.stream().map(TokenKeys::refresh).toList()));
    // THEN there is one next generation
    assertThat(
            db.count(
                "SELECT count(*) FROM token_keys WHERE purpose = 'api-token' AND generation = 2"))
        .isOne();
    assertThat(db.count("SELECT count(*) FROM token_keys")).isEqualTo(2);
  }

  @Test
  void keysAreSealedUnderTheMasterKeyAndFollowItsRotation() {
    // GIVEN a key made under master key m1
    db = TestDatabase.open("token_keys_sealed");
    TokenKeys before = node(master);
    await(before.refresh());
    TokenKeys.Key key = before.signing();
    Row row =
        await(db.pool().query("SELECT sealed, key_id FROM token_keys").execute()).iterator().next();
    // THEN the row holds no trace of the key in the clear
    String base64 = java.util.Base64.getEncoder().encodeToString(key.secret());
    assertThat(new String(row.getBuffer("sealed").getBytes(), StandardCharsets.ISO_8859_1))
        .doesNotContain(base64);
    assertThat(row.getString("key_id")).isEqualTo("m1");
    // AND a node with another master key cannot open it
    assertThatThrownBy(() -> await(node(MasterKeys.generateSpec("m9")).refresh()))
        .hasMessageContaining("master key 'm1' is not configured");

    // WHEN the master key is rotated (new first, old kept) and a node loads the keys
    TokenKeys after = node(MasterKeys.generateSpec("m2") + "," + master);
    await(after.refresh());
    // THEN the token key is the same, sealed again under the new master key
    assertThat(after.signing().secret()).isEqualTo(key.secret());
    assertThat(db.count("SELECT count(*) FROM token_keys WHERE key_id = 'm2'")).isOne();
  }

  /** The kid of the newest key in the database. */
  private String newestKid() {
    return await(
            db.pool()
                .query("SELECT kid FROM token_keys ORDER BY generation DESC LIMIT 1")
                .execute())
        .iterator()
        .next()
        .getString(0);
  }
}
