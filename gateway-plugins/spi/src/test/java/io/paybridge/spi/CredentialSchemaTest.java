package io.paybridge.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class CredentialSchemaTest {

  private static final String SECRET = "whsec_Zk3pQ9rT2vX7mB4nL8cD1fG6";

  private final CredentialSchema schema =
      CredentialSchema.of(
          CredentialField.secret("webhookSecret", "Webhook secret", "from the dashboard")
              .verifyingWebhooks()
              .shaped(
                  CredentialShape.of("whsec_[A-Za-z0-9]{24,}", "a secret starting with whsec_")
                      .unless("sk_", "a secret API key")),
          CredentialField.secret("apiKey", "API key", "from the dashboard"),
          CredentialField.text("customerRefKey", "Customer key", "").optional("customer_ref"),
          CredentialField.text("environment", "Environment", "").oneOf("sandbox", "live"));

  @Test
  void validCredentialsGetDefaultsAndTrimming() {
    Credentials c =
        schema.validate(
            new JsonObject()
                .put("webhookSecret", " " + SECRET + " ")
                .put("apiKey", "key_4Qm9TzR2")
                .put("environment", "live"));
    assertThat(c.get("webhookSecret")).isEqualTo(SECRET);
    assertThat(c.get("customerRefKey")).isEqualTo("customer_ref");
    assertThat(c.toString()).doesNotContain(SECRET);
  }

  @Test
  void aFieldThatVerifiesWebhooksMayBeSavedLater() {
    Credentials c =
        schema.validate(new JsonObject().put("apiKey", "key_4Qm9TzR2").put("environment", "live"));
    assertThat(c.get("webhookSecret")).isNull();
    assertThat(schema.unsetWebhookFields(c))
        .extracting(CredentialField::name)
        .containsExactly("webhookSecret");
    Credentials complete = withSecret(c);
    assertThat(schema.unsetWebhookFields(complete)).isEmpty();
    assertThat(schema.toJson().getJsonObject(0).getBoolean("verifiesWebhooks")).isTrue();
    assertThat(schema.toJson().getJsonObject(1).containsKey("verifiesWebhooks")).isFalse();
  }

  @Test
  void everyProblemIsReportedAtOnceByLabel() {
    assertThatThrownBy(
            () ->
                schema.validate(
                    new JsonObject()
                        .put("webhookSecret", 5)
                        .put("environment", "prod")
                        .put("extra", "y")))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class,
            e -> {
              assertThat(e.problems())
                  .extracting(InvalidCredentialsException.Problem::field)
                  .containsExactly("extra", "webhookSecret", "apiKey", "environment");
              assertThat(e.problems())
                  .extracting(InvalidCredentialsException.Problem::message)
                  .containsExactly(
                      "'extra' is not one of this gateway's credential fields.",
                      "Webhook secret must be text.",
                      "API key is required.",
                      "Environment must be one of: sandbox, live.");
              assertThat(e.field()).isEqualTo("extra");
            });
    assertThatThrownBy(
            () ->
                schema.validate(
                    new JsonObject().put("apiKey", "x".repeat(9000)).put("environment", "live")))
        .hasMessage("API key must be at most 8192 characters.");
  }

  @Test
  void placeholdersAndOtherKeysAreRefusedSayingWhatWasExpected() {
    for (String placeholder :
        new String[] {
          "whsec_…", "whsec_...", "whsec_xxx", "<secret>", "whsec_XXXXXXXXXXXXXXXXXXXXXXXXX"
        }) {
      assertThatThrownBy(() -> save(placeholder))
          .as(placeholder)
          .hasMessage(
              "Webhook secret looks like a placeholder, not a real value: expected a secret"
                  + " starting with whsec_. Copy it from your gateway's dashboard.");
    }
    assertThatThrownBy(() -> save("sk_live_51Hx8cE2eZvKYlo2C0aBcDeFgH"))
        .hasMessage(
            "Webhook secret holds a secret API key (sk_…), not a secret starting with whsec_.");
    assertThatThrownBy(() -> save("whsec_short"))
        .hasMessage("Webhook secret does not look right: expected a secret starting with whsec_.");
    assertThatThrownBy(
            () ->
                schema.validate(
                    new JsonObject().put("apiKey", "your_api_key_here").put("environment", "live")))
        .hasMessage(
            "API key looks like a placeholder, not a real value. Copy it from your gateway's"
                + " dashboard.");
    assertThat(save(SECRET).get("webhookSecret")).isEqualTo(SECRET);
  }

  @Test
  void realisticValuesAreNotPlaceholders() {
    assertThat(CredentialShape.looksLikePlaceholder(SECRET)).isFalse();
    assertThat(
            CredentialShape.looksLikePlaceholder(
                "{\"type\":\"service_account\",\"client_email\":\"a@b.iam.gserviceaccount.com\"}"))
        .isFalse();
    assertThat(CredentialShape.looksLikePlaceholder("-----BEGIN PRIVATE KEY-----\nMIGTAgEA\n"))
        .isFalse();
    assertThat(CredentialShape.looksLikePlaceholder("{secret}")).isTrue();
    assertThat(CredentialShape.looksLikePlaceholder("********")).isTrue();
  }

  @Test
  void schemaJsonMarksSecretsAndChoices() {
    JsonObject first = schema.toJson().getJsonObject(0);
    assertThat(first.getBoolean("secret")).isTrue();
    assertThat(schema.toJson().getJsonObject(3).getJsonArray("allowedValues"))
        .containsExactly("sandbox", "live");
  }

  private Credentials save(String webhookSecret) {
    return schema.validate(
        new JsonObject()
            .put("webhookSecret", webhookSecret)
            .put("apiKey", "key_4Qm9TzR2")
            .put("environment", "live"));
  }

  private static Credentials withSecret(Credentials c) {
    java.util.Map<String, String> values = new java.util.LinkedHashMap<>(c.asMap());
    values.put("webhookSecret", SECRET);
    return new Credentials(values);
  }
}
