package io.paybridge.testkit;

import io.paybridge.spi.CredentialField;
import io.paybridge.spi.CredentialSchema;
import io.paybridge.spi.Credentials;
import io.paybridge.spi.EventKind;
import io.paybridge.spi.EventRule;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.PluginContext;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A gateway whose signature is a shared word and whose body names what happened. */
final class WordGateway implements GatewayPlugin {

  /** The settings the plugin was initialised with, if it was. */
  Map<String, String> settings;

  @Override
  public Future<Void> init(PluginContext context) {
    settings = context.settings();
    return Future.succeededFuture();
  }

  @Override
  public String id() {
    return "word";
  }

  @Override
  public String displayName() {
    return "Word";
  }

  @Override
  public CredentialSchema credentialSchema() {
    return CredentialSchema.of(
        CredentialField.secret("word", "Word", "The word every delivery carries."));
  }

  @Override
  public List<EventRule> eventTable() {
    return List.of(EventRule.books("paid", "a payment"), EventRule.ignores("hello", "a greeting"));
  }

  @Override
  public Future<Verdict> verify(WebhookRequest request, Credentials credentials) {
    return Future.succeededFuture(
        credentials.get("word").equals(request.header("X-Word"))
            ? Verdict.ok()
            : Verdict.rejected("the word is wrong"));
  }

  @Override
  public ParsedWebhook parse(WebhookRequest request, Credentials credentials) {
    return switch (request.bodyAsString()) {
      case "paid", "api-down" ->
          new ParsedWebhook(
              "evt-1",
              "paid",
              List.of(
                  PaymentEvent.builder(EventKind.PAYMENT, "payment:1", Instant.now())
                      .amount(1250, "EUR")
                      .build()));
      case "hello" -> ParsedWebhook.ignored("evt-2", "hello", "a greeting books nothing");
      default -> throw new MalformedWebhookException("not a word this gateway sends");
    };
  }

  @Override
  public Future<ParsedWebhook> resolve(
      WebhookRequest request, ParsedWebhook parsed, Credentials credentials) {
    return request.bodyAsString().equals("api-down")
        ? Future.failedFuture(new GatewayApiException("word", "lookup", 502, "down"))
        : Future.succeededFuture(parsed);
  }
}
