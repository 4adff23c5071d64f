package io.paybridge.core.security;

import static io.paybridge.core.Await.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.core.TestDatabase;
import io.paybridge.core.vault.CredentialVault;
import io.paybridge.core.vault.MasterKeys;
import io.vertx.core.Future;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Client secrets kept as HMAC-SHA256 digests under one platform key, sealed in the database and
 * shared by every node; a digest fits its client only; clients kept as slow hashes before still get
 * in, and get a digest instead on their first good request.
 */
@Tag("security")
class ClientSecretsTest {

  private static final String CLIENT = "pbc_client";
  private static final String SECRET = "pbs_" + "s".repeat(43);

  private final String master = MasterKeys.generateSpec("m1");
  private TestDatabase db;
  private HashPool hashes;

  @AfterEach
  void close() {
    if (hashes != null) {
      await(hashes.close());
    }
    if (db != null) {
      db.close();
    }
  }

  private ClientSecrets node(String masterKeys) {
    if (hashes == null) {
      hashes = new HashPool(db.vertx(), new SecretHasher(1_000), 1);
    }
    return new ClientSecrets(
        new TokenKeyStore(db.pool(), new CredentialVault(MasterKeys.parse(masterKeys))),
        hashes,
        Clock.systemUTC());
  }

  @Test
  void nodesShareOneSealedKeyAndCheckEachOthersDigestsWithoutASlowHash() {
    // GIVEN two nodes on an empty database
    db = TestDatabase.open("client_secrets_shared");
    ClientSecrets a = node(master);
    ClientSecrets b = node(master);
    // WHEN both digest secrets at once
    List<String> digests =
        await(Future.all(a.digest(CLIENT, SECRET), b.digest("pbc_other", SECRET))).list();
    // THEN one key was made for both
    assertThat(db.count("SELECT count(*) FROM token_keys WHERE purpose = 'client-secret'")).isOne();
    String digest = digests.get(0);
    assertThat(digest).startsWith("hmac-sha256$tk_").doesNotContain(SECRET.substring(4));
    // AND each node checks the other's digest, in constant time, with no slow hash
    assertThat(await(b.check(CLIENT, SECRET, digest)))
        .isEqualTo(new ClientSecrets.Check(true, null));
    assertThat(await(a.check("pbc_other", SECRET, digests.get(1))).matches()).isTrue();
    assertThat(hashes.computed()).isZero();
    assertThat(a.checked() + b.checked()).isEqualTo(2);
  }

  @Test
  void aDigestFitsOneClientAndOneSecretAndRefusesWhatWasTamperedWith() {
    db = TestDatabase.open("client_secrets_bound");
    ClientSecrets secrets = node(master);
    String digest = await(secrets.digest(CLIENT, SECRET));
    String[] parts = digest.split("\\$");
    assertThat(await(secrets.check(CLIENT, SECRET + "x", digest)).matches()).isFalse();
    assertThat(await(secrets.check("pbc_other", SECRET, digest)).matches())
        .as("a row's digest copied to another client does not open it")
        .isFalse();
    assertThat(await(secrets.check(CLIENT, SECRET, null)).matches()).as("no such client").isFalse();
    for (String tampered :
        List.of(
            parts[0] + "$tk_unknown$" + parts[2],
            parts[0] + "$" + parts[1] + "$" + parts[2].substring(1),
            parts[0] + "$" + parts[1] + "$not base64!",
            parts[0] + "$" + parts[1],
            parts[0] + "$" + parts[1] + "$" + parts[2] + "$x")) {
      assertThat(await(secrets.check(CLIENT, SECRET, tampered)).matches()).as(tampered).isFalse();
    }
    assertThat(hashes.computed()).isZero();
  }

  @Test
  void aSlowHashFromBeforeIsCheckedAndReplacedOnlyWhenTheSecretMatches() {
    db = TestDatabase.open("client_secrets_legacy");
    ClientSecrets secrets = node(master);
    String legacy = new SecretHasher(1_000).hash(SECRET);
    // WHEN a wrong secret is shown against a slow hash
    ClientSecrets.Check wrong = await(secrets.check(CLIENT, "pbs_wrong", legacy));
    // THEN it is checked on the hash pool and nothing replaces the hash
    assertThat(wrong).isEqualTo(new ClientSecrets.Check(false, null));
    assertThat(hashes.computed()).isOne();
    // WHEN the right one is shown
    ClientSecrets.Check right = await(secrets.check(CLIENT, SECRET, legacy));
    // THEN it matches, with the digest to keep instead, which checks without a hash
    assertThat(right.matches()).isTrue();
    assertThat(right.upgraded()).startsWith("hmac-sha256$");
    assertThat(await(secrets.check(CLIENT, SECRET, right.upgraded())).upgraded()).isNull();
    assertThat(await(secrets.check(CLIENT, SECRET, right.upgraded())).matches()).isTrue();
    assertThat(hashes.computed()).isEqualTo(2);
  }

  @Test
  void theKeyIsSealedUnderTheMasterKey() {
    db = TestDatabase.open("client_secrets_sealed");
    String digest = await(node(master).digest(CLIENT, SECRET));
    // WHEN a node holding another master key reads the key
    ClientSecrets stranger = node(MasterKeys.generateSpec("m2"));
    // THEN it cannot open it, and checks nothing
    assertThatThrownBy(() -> await(stranger.check(CLIENT, SECRET, digest)))
        .hasMessageContaining("cannot be opened");
    // AND a node with the old and a new master key still checks, then re-seals under the new one
    String rotated = MasterKeys.generateSpec("m3") + "," + master;
    assertThat(await(node(rotated).check(CLIENT, SECRET, digest)).matches()).isTrue();
    assertThat(
            db.count(
                "SELECT count(*) FROM token_keys WHERE purpose = 'client-secret' AND key_id = 'm3'"))
        .isOne();
  }
}
