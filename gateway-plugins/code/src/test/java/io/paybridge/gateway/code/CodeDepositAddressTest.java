package io.paybridge.gateway.code;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.InvalidCredentialsException;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookAnswer;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Code signs every merchant's webhooks with one key, so the signature says nothing about whose
 * payment it was: the account's deposit address must be the token's {@code destination}.
 */
class CodeDepositAddressTest {

  private final CodePlugin plugin = new CodePlugin();

  /** The merchant whose webhook URL is attacked. */
  private final CodeWalletSimulator victim = new CodeWalletSimulator();

  /** The same sequencer key paying the attacker's own wallet. */
  private final CodeWalletSimulator attacker = victim.forAnotherMerchant();

  private Verdict verify(WebhookRequest request, Credentials credentials) {
    try {
      return plugin
          .verify(request, credentials)
          .toCompletionStage()
          .toCompletableFuture()
          .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aGenuinePaymentToAnotherDepositAddressIsRefusedAndAnswered200() {
    // GIVEN a payment the attacker made to their own wallet, signed by Code's one key
    String jwt = attacker.intentSubmitted(CodeWalletSimulator.newIntentId(), "500", "usd");
    WebhookRequest request = victim.request(jwt);
    assertThat(verify(request, attacker.credentials()).authentic())
        .as("it is a genuine Code payment to the attacker's wallet")
        .isTrue();

    // WHEN the attacker posts it to the victim's webhook URL
    Verdict verdict = verify(request, victim.credentials());

    // THEN it is refused with the reason the tenant reads in the receipt log
    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason())
        .isEqualTo(
            "payment to deposit address "
                + attacker.depositAddress()
                + ", not this account's "
                + victim.depositAddress());
    // AND Code really signed it, so the platform keeps it in full
    assertThat(verdict.genuine()).isTrue();
    // AND Code is answered exactly 200 with an empty body, so it stops retrying
    assertThat(plugin.reject(request, verdict)).isEqualTo(WebhookAnswer.empty(200));
  }

  @Test
  void aBadSignatureKeepsTheUsualRefusal() {
    // GIVEN a payment to the victim's address signed with a key that is not Code's
    CodeWalletSimulator forger = new CodeWalletSimulator();
    String jwt =
        forger.intentSubmitted(
            CodeWalletSimulator.newIntentId(), "500", "usd", victim.depositAddress());
    WebhookRequest request = victim.request(jwt);

    Verdict verdict = verify(request, victim.credentials());

    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason())
        .isEqualTo("Ed25519 signature does not match the configured public key");
    assertThat(verdict.genuine()).isFalse();
    WebhookAnswer answer = plugin.reject(request, verdict);
    assertThat(answer.status()).isEqualTo(401);
    assertThat(answer).isEqualTo(plugin.reject(request));
  }

  @Test
  void aPaymentNamingNoDestinationIsRefusedToo() {
    String jwt =
        victim.sign(
            new JsonObject()
                .put("intent", CodeWalletSimulator.newIntentId())
                .put("state", "SUBMITTED")
                .put("amount", 1)
                .put("currency", "USD"));
    WebhookRequest request = victim.request(jwt);

    Verdict verdict = verify(request, victim.credentials());

    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason())
        .isEqualTo(
            "payment to deposit address (none named), not this account's "
                + victim.depositAddress());
    assertThat(plugin.reject(request, verdict).status()).isEqualTo(200);
  }

  @Test
  void anyTokenNamingAnotherDestinationIsRefusedWhateverItsState() {
    String jwt =
        victim.sign(
            new JsonObject()
                .put("intent", CodeWalletSimulator.newIntentId())
                .put("state", "CONFIRMED")
                .put("destination", attacker.depositAddress()));

    Verdict verdict = verify(victim.request(jwt), victim.credentials());

    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason())
        .startsWith("payment to deposit address " + attacker.depositAddress());
  }

  @ParameterizedTest
  @ValueSource(strings = {"not base58 0OIl", "2g", "", " "})
  void aDestinationThatIsNoAddressIsAnotherDestination(String destination) {
    String jwt = victim.intentSubmitted(CodeWalletSimulator.newIntentId(), "1", "usd", destination);

    Verdict verdict = verify(victim.request(jwt), victim.credentials());

    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).startsWith("payment to deposit address ");
  }

  @Test
  void aDestinationThatIsNotAStringIsRefused() {
    String jwt =
        victim.sign(
            new JsonObject()
                .put("intent", CodeWalletSimulator.newIntentId())
                .put("state", "SUBMITTED")
                .put("quarks", 100)
                .put("destination", new JsonObject().put("address", victim.depositAddress())));

    assertThat(verify(victim.request(jwt), victim.credentials()).authentic()).isFalse();
  }

  @Test
  void aLoginOnlyWebhookNamesNoDestinationAndIsAuthentic() {
    String jwt = victim.sign(new JsonObject().put("user", CodeWalletSimulator.newIntentId()));

    assertThat(verify(victim.request(jwt), victim.credentials()).authentic()).isTrue();
  }

  @Test
  void anAccountWithoutADepositAddressVerifiesNothingAndIsNotAnswered200() {
    WebhookRequest request =
        victim.request(victim.intentSubmitted(CodeWalletSimulator.newIntentId(), "1", "usd"));

    Verdict verdict = verify(request, Credentials.of("publicKey", victim.publicKeyBase58()));

    assertThat(verdict.authentic()).isFalse();
    assertThat(verdict.reason()).startsWith("the account has no 'depositAddress'");
    assertThat(plugin.reject(request, verdict).status())
        .as("Code retries, and books once the tenant names its address")
        .isEqualTo(401);
  }

  @Test
  void theDepositAddressIsRequiredAndValidatedForTheConsole() {
    JsonObject submitted = victim.credentialsJson();
    assertThat(plugin.validateCredentials(submitted)).isEqualTo(victim.credentials());

    assertInvalid(submitted.copy().put("depositAddress", null), "Deposit address is required.");
    assertInvalid(
        submitted.copy().put("depositAddress", "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdn"),
        "Deposit address must be the Base58 deposit address of your Code wallet (32 bytes), but"
            + " decodes to 28 bytes");
    assertInvalid(
        submitted.copy().put("depositAddress", "E8otxw1CVX9bfyddKu3ZB3BVLa4VVF9J7CTPdnUwT9j0"),
        "Deposit address does not look right: expected your Code wallet's Base58 deposit address"
            + " (Code app > Settings > Deposit Kin).");
  }

  private void assertInvalid(JsonObject submitted, String message) {
    assertThatThrownBy(() -> plugin.validateCredentials(submitted))
        .isInstanceOf(InvalidCredentialsException.class)
        .hasMessage(message)
        .satisfies(
            e -> assertThat(((InvalidCredentialsException) e).field()).isEqualTo("depositAddress"));
  }
}
