package io.paybridge.deploy;

import static io.paybridge.deploy.TestNode.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.paybridge.gateway.stripe.StripeApiFake;
import io.paybridge.gateway.stripe.StripeSimulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The partner API as a partner in another language meets it: a TypeScript program that knows the
 * API only through the client the OpenAPI generator makes of the API's document signs up, buys a
 * token, connects Stripe, has Stripe's webhooks book payments, pages through them by customer,
 * refunds one against Stripe's API (played by its fake over HTTP) and reads the refund. The program
 * is compiled with the TypeScript compiler from the npm registry and run with node; what it did is
 * then checked in the node's database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PartnerClientIT {

  /** Where the build's generate-test-resources phase puts the generated client. */
  private static final Path GENERATED = Path.of("target", "typescript-client");

  private final String apiKey = StripeApiFake.newSecretKey();
  private Vertx fakes;
  private StripeApiFake stripeApi;
  private TestNode node;

  @BeforeAll
  void start() {
    fakes = Vertx.vertx();
    stripeApi = await(new StripeApiFake(apiKey).start(fakes));
    node =
        TestNode.start(
            "partner_client", Map.of("PAYBRIDGE_GATEWAY_STRIPE_API_BASE", stripeApi.baseUrl()));
  }

  @AfterAll
  void stop() {
    if (node != null) {
      node.close();
    }
    await(stripeApi.close());
    await(fakes.close());
  }

  @Test
  void aTypeScriptProgramOnTheGeneratedClientGetsPaidAndRefunds() throws Exception {
    assumeTrue(
        run(Path.of("."), 20, "node", "--version").exit() == 0,
        "node is not installed: the TypeScript client flow needs node 18 or later and npm");
    assertThat(GENERATED.resolve("index.ts"))
        .as("the build generates the TypeScript client before the tests")
        .exists();

    // GIVEN a folder with the generated client, the partner's program, and Stripe's webhooks for
    // three payments of one customer, whose payment intents Stripe's API knows
    Path dir = Files.createTempDirectory(Path.of("target"), "partner-client-");
    copyTree(GENERATED, dir.resolve("client"));
    try (var flow = getClass().getResourceAsStream("/partner-client/flow.ts")) {
      Files.copy(flow, dir.resolve("flow.ts"));
    }
    String secret = StripeSimulator.newWebhookSecret();
    StripeSimulator stripe = new StripeSimulator(secret);
    String customer = "ts-" + UUID.randomUUID();
    JsonArray webhooks = new JsonArray();
    List<String> intents = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String intent = "pi_" + UUID.randomUUID().toString().replace("-", "");
      intents.add(intent);
      stripeApi.addPaymentIntent(intent, 1_000 + i, "eur");
      webhooks.add(
          stripe.paymentIntentSucceeded(
              "evt_ts_" + i + "_" + intent, intent, 1_000 + i, "eur", customer));
    }
    Path fixture = dir.resolve("fixture.json");
    Files.writeString(
        fixture,
        new JsonObject()
            .put("webhookSecret", secret)
            .put("apiKey", apiKey)
            .put("customerRef", customer)
            .put("webhooks", webhooks)
            .encode());

    // WHEN the TypeScript compiler from npm compiles the program and node runs it on the node
    Result installed =
        run(
            dir,
            120,
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--silent",
            "--no-save",
            "typescript@5",
            "@types/node@20");
    assertThat(installed.exit()).as(installed.output()).isZero();
    Result compiled =
        run(
            dir,
            120,
            "node",
            "node_modules/typescript/bin/tsc",
            "--strict",
            "--target",
            "es2022",
            "--module",
            "commonjs",
            "--lib",
            "es2022,dom",
            "--types",
            "node",
            "--skipLibCheck",
            "--outDir",
            "out",
            "flow.ts");
    assertThat(compiled.exit()).as(compiled.output()).isZero();
    Result ran =
        run(dir, 60, "node", "out/flow.js", node.baseUrl(), fixture.toAbsolutePath().toString());
    System.out.println("TypeScript partner program:\n" + ran.output());

    // THEN it found every answer as it expected
    assertThat(ran.exit()).as(ran.output()).isZero();
    String[] lines = ran.output().strip().split("\n");
    JsonObject did = new JsonObject(lines[lines.length - 1]);
    String tenant = did.getString("tenantId");

    // AND the node booked the three payments and the refund once each, and Stripe refunded once
    assertThat(
            node.count(
                "SELECT count(*) FROM ledger_entries WHERE kind = 'PAYMENT' AND tenant_id = '"
                    + tenant
                    + "'"))
        .isEqualTo(3);
    assertThat(
            node.count(
                "SELECT count(*) FROM ledger_entries WHERE kind = 'REFUND' AND tenant_id = '"
                    + tenant
                    + "' AND amount_minor = -500"))
        .isEqualTo(1);
    assertThat(
            node.count(
                "SELECT count(*) FROM refunds WHERE tenant_id = '"
                    + tenant
                    + "' AND status = 'succeeded' AND amount_minor = 500 AND id = '"
                    + did.getString("refundId")
                    + "' AND payment_id = "
                    + did.getString("paymentId")))
        .isEqualTo(1);
    assertThat(
            stripeApi.calls("POST", "/v1/refunds").stream()
                .filter(c -> intents.contains(c.form().get("payment_intent"))))
        .hasSize(1);
  }

  private record Result(int exit, String output) {}

  /** Runs a program in {@code dir}, its output and errors together, within {@code seconds}. */
  private static Result run(Path dir, int seconds, String... command)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(Path.of("target"), "partner-client-", ".log");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException notThere) {
      return new Result(-1, command[0] + " could not start: " + notThere.getMessage());
    }
    boolean done = process.waitFor(seconds, TimeUnit.SECONDS);
    if (!done) {
      process.destroyForcibly().waitFor();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    return new Result(done ? process.exitValue() : -2, String.join(" ", command) + ":\n" + output);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(file).toString());
        if (Files.isDirectory(file)) {
          Files.createDirectories(target);
        } else {
          Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
