package io.paybridge.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class CredentialSchemaTest {

  private final CredentialSchema schema =
      CredentialSchema.of(
          CredentialField.secret("webhookSecret", "Webhook secret", "from the dashboard"),
          CredentialField.text("customerRefKey", "Customer key", "").optional("customer_ref"),
          CredentialField.text("environment", "Environment", "").oneOf("sandbox", "live"));

  @Test
  void validCredentialsGetDefaultsAndTrimming() {
    Credentials c =
        schema.validate(
            new JsonObject().put("webhookSecret", " whsec_x ").put("environment", "live"));
    assertThat(c.get("webhookSecret")).isEqualTo("whsec_x");
    assertThat(c.get("customerRefKey")).isEqualTo("customer_ref");
    assertThat(c.toString()).doesNotContain("whsec_x");
  }

  @Test
  void eachProblemNamesItsField() {
    assertThatThrownBy(() -> schema.validate(new JsonObject().put("environment", "live")))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class,
            e -> assertThat(e.field()).isEqualTo("webhookSecret"));
    assertThatThrownBy(
            () ->
                schema.validate(
                    new JsonObject().put("webhookSecret", 5).put("environment", "live")))
        .hasMessageContaining("must be a string");
    assertThatThrownBy(
            () ->
                schema.validate(
                    new JsonObject().put("webhookSecret", "x").put("environment", "prod")))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class, e -> assertThat(e.field()).isEqualTo("environment"));
    assertThatThrownBy(
            () ->
                schema.validate(
                    new JsonObject()
                        .put("webhookSecret", "x")
                        .put("environment", "live")
                        .put("extra", "y")))
        .isInstanceOfSatisfying(
            InvalidCredentialsException.class, e -> assertThat(e.field()).isEqualTo("extra"));
    assertThatThrownBy(
            () ->
                schema.validate(
                    new JsonObject()
                        .put("webhookSecret", "x".repeat(9000))
                        .put("environment", "live")))
        .hasMessageContaining("longer than");
  }

  @Test
  void schemaJsonMarksSecretsAndChoices() {
    JsonObject first = schema.toJson().getJsonObject(0);
    assertThat(first.getBoolean("secret")).isTrue();
    assertThat(schema.toJson().getJsonObject(2).getJsonArray("allowedValues"))
        .containsExactly("sandbox", "live");
  }
}
