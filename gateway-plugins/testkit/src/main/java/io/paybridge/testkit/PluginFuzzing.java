package io.paybridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.paybridge.spi.Credentials;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.MalformedWebhookException;
import io.paybridge.spi.ParsedWebhook;
import io.paybridge.spi.PaymentEvent;
import io.paybridge.spi.Verdict;
import io.paybridge.spi.WebhookRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Property-based fuzzing of a plugin's {@code verify} and {@code parse} with hostile deliveries: a
 * real delivery its simulator signed, mutated ({@link Mutations}: bytes flipped, fields reordered
 * or sent twice, numbers out of range, deep nesting, invalid UTF-8, the wrong content type, an
 * empty or a 10 MB body; signature headers changed, doubled, emptied or dropped), and deliveries
 * made from scratch. Whatever comes in:
 *
 * <ul>
 *   <li>{@code verify} answers with a verdict (a failed future only for the gateway's API being
 *       unreachable, which the platform answers 503 so the gateway retries): a plugin that throws
 *       would turn hostile input into a 5xx;
 *   <li>{@code parse} returns or throws {@link MalformedWebhookException}, nothing else (the
 *       platform's 400);
 *   <li>a mutated delivery that still verifies means what the original meant: the same event id and
 *       the same money (kind, amount, currency, payment, subscription, customer), so nothing the
 *       signature does not cover changes what is booked; a delivery made from scratch never
 *       verifies.
 * </ul>
 *
 * <p>A plugin's fuzz class extends this and names its contract test, whose simulator, credentials
 * and deliveries it reuses (with that test's own set-up). Tries per property: {@code fuzz.tries},
 * 1,000 in every build, 100,000 with {@code -P fuzz}.
 */
public abstract class PluginFuzzing {

  /** A delivery made for fuzzing, and how: from a real one, or from scratch. */
  public record Delivery(String how, WebhookRequest request, boolean fromScratch) {
    @Override
    public String toString() {
      return how + " (" + request.body().length() + " bytes)";
    }
  }

  private GatewayPluginTestKit kit;
  private GatewayPlugin plugin;
  private Credentials credentials;
  private WebhookRequest original;
  private ParsedWebhook meant;
  private FuzzStats stats;

  /** The plugin's contract test, a new instance: its simulator signs what is mutated here. */
  protected abstract GatewayPluginTestKit contract();

  /**
   * Whether the gateway's signature covers the body. Google Play's push is authenticated by a token
   * beside the body and books nothing until the Play Developer API confirms it: there, a mutated
   * body that verifies must carry no amount of its own.
   */
  protected boolean signatureCoversBody() {
    return true;
  }

  @BeforeProperty
  void startContract() throws Exception {
    kit = contract();
    for (Class<?> c : hierarchy(kit.getClass())) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.isAnnotationPresent(BeforeAll.class)) {
          m.setAccessible(true);
          m.invoke(kit);
        }
      }
    }
    plugin = kit.plugin();
    credentials = kit.credentials();
    original = kit.validDelivery();
    meant = plugin.parse(original, credentials);
  }

  @AfterProperty
  void stopContract() throws Exception {
    List<Class<?>> classes = hierarchy(kit.getClass());
    Collections.reverse(classes);
    for (Class<?> c : classes) {
      for (Method m : c.getDeclaredMethods()) {
        if (m.isAnnotationPresent(AfterAll.class)) {
          m.setAccessible(true);
          m.invoke(kit);
        }
      }
    }
    if (stats != null) {
      stats.write();
    }
  }

  private FuzzStats stats(String property) {
    if (stats == null) {
      stats = new FuzzStats(plugin.id(), property);
    }
    return stats;
  }

  @Provide
  Arbitrary<Delivery> hostile() {
    String type = original.header("content-type");
    Arbitrary<Delivery> bodies =
        Mutations.of(original.body().getBytes(), type == null ? "" : type)
            .map(b -> new Delivery(b.how(), withBody(original, b), false));
    List<String> headers = kit.signatureHeaders();
    if (headers.isEmpty()) {
      // the signature travels in the body: the body's mutations reach it
      return Arbitraries.frequencyOf(Tuple.of(15, bodies), Tuple.of(5, scratch()));
    }
    Arbitrary<Delivery> signatures =
        net.jqwik.api.Combinators.combine(
                Arbitraries.of(headers),
                Arbitraries.of("dropped", "emptied", "doubled", "flipped", "random"),
                Arbitraries.integers().between(0, 10_000),
                Arbitraries.strings().ofMaxLength(300))
            .as(
                (h, how, at, random) ->
                    new Delivery(h + " " + how, header(original, h, how, at, random), false));
    return Arbitraries.frequencyOf(
        Tuple.of(12, bodies), Tuple.of(3, signatures), Tuple.of(5, scratch()));
  }

  private Arbitrary<Delivery> scratch() {
    List<String> headers = kit.signatureHeaders();
    return net.jqwik.api.Combinators.combine(
            Mutations.fromScratch(),
            Arbitraries.strings().ofMaxLength(300).list().ofSize(headers.size()))
        .as(
            (body, values) -> {
              WebhookRequest r = withBody(original, body);
              for (int i = 0; i < headers.size(); i++) {
                r =
                    values.get(i).isEmpty()
                        ? without(r, headers.get(i))
                        : r.withHeader(headers.get(i), values.get(i));
              }
              return new Delivery("from scratch: " + body.how(), r, true);
            });
  }

  @Property
  void hostileDeliveriesAreRefusedOrMeanWhatTheOriginalMeant(@ForAll("hostile") Delivery d) {
    FuzzStats stats = stats("deliveries");
    Verdict verdict = verify(d);
    ParsedWebhook parsed = parse(d);
    if (verdict == null) {
      stats.count("gateway API unavailable");
    } else if (!verdict.authentic()) {
      assertThat(verdict.reason()).as("a refusal says why").isNotBlank();
      stats.count(d.fromScratch() ? "made up, rejected" : "rejected");
    } else if (d.fromScratch()) {
      throw new AssertionError("a delivery made from scratch verified: " + d);
    } else if (parsed == null) {
      stats.count("authentic, malformed");
    } else if (signatureCoversBody()) {
      assertThat(parsed.eventId()).as("event id of %s", d).isEqualTo(meant.eventId());
      assertThat(money(parsed.events())).as("what %s books", d).isEqualTo(money(meant.events()));
      stats.count("authentic, same meaning");
    } else {
      assertThat(parsed.events())
          .as("%s books nothing before the gateway's API confirms it", d)
          .allSatisfy(e -> assertThat(e.amountMinor()).isNull());
      stats.count("authentic, awaits the API");
    }
  }

  /** The verdict; {@code null} when the gateway's API could not be reached to decide. */
  private Verdict verify(Delivery d) {
    try {
      return Futures.await(plugin.verify(d.request(), credentials));
    } catch (AssertionError failed) {
      if (failed.getCause() instanceof GatewayApiException api && api.retryable()) {
        return null;
      }
      throw new AssertionError(
          "verify failed on " + d + ": " + failed.getCause(), failed.getCause());
    } catch (RuntimeException | StackOverflowError thrown) {
      throw new AssertionError("verify threw on " + d + ": " + thrown, thrown);
    }
  }

  /**
   * The parsed delivery; {@code null} when it is refused as malformed, the one exception allowed.
   */
  private ParsedWebhook parse(Delivery d) {
    try {
      return plugin.parse(d.request(), credentials);
    } catch (MalformedWebhookException malformed) {
      assertThat(malformed.getMessage()).as("a malformed body is told why").isNotBlank();
      return null;
    } catch (RuntimeException | StackOverflowError thrown) {
      throw new AssertionError("parse threw on " + d + ": " + thrown, thrown);
    }
  }

  /** What a delivery books: everything about money and whose it is. */
  private static List<String> money(List<PaymentEvent> events) {
    List<String> out = new ArrayList<>();
    for (PaymentEvent e : events) {
      out.add(
          String.join(
              "|",
              e.kind().name(),
              e.entryKey(),
              String.valueOf(e.amountMinor()),
              String.valueOf(e.currency()),
              String.valueOf(e.externalPaymentId()),
              String.valueOf(e.externalSubscriptionId()),
              String.valueOf(e.customerRef()),
              String.valueOf(e.feeMinor())));
    }
    return out;
  }

  private static WebhookRequest withBody(WebhookRequest r, Mutations.Body body) {
    WebhookRequest out = r.withBody(Buffer.buffer(body.bytes()));
    return body.contentType().isEmpty()
        ? without(out, "content-type")
        : out.withHeader("content-type", body.contentType());
  }

  private static WebhookRequest header(
      WebhookRequest r, String name, String how, int at, String random) {
    String value = r.header(name) == null ? "" : r.header(name);
    return switch (how) {
      case "dropped" -> without(r, name);
      case "emptied" -> r.withHeader(name, "");
      case "doubled" -> {
        MultiMap copy = MultiMap.caseInsensitiveMultiMap().addAll(r.headers()).add(name, random);
        yield new WebhookRequest(
            r.method(), r.path(), copy, r.query(), r.body(), r.remoteAddress(), r.receivedAt());
      }
      case "flipped" -> {
        if (value.isEmpty()) {
          yield r.withHeader(name, random);
        }
        char[] chars = value.toCharArray();
        int i = at % chars.length;
        chars[i] = (char) (chars[i] ^ (1 + at % 31));
        yield r.withHeader(name, new String(chars));
      }
      default -> r.withHeader(name, random);
    };
  }

  private static WebhookRequest without(WebhookRequest r, String name) {
    MultiMap copy = MultiMap.caseInsensitiveMultiMap().addAll(r.headers()).remove(name);
    return new WebhookRequest(
        r.method(), r.path(), copy, r.query(), r.body(), r.remoteAddress(), r.receivedAt());
  }

  private static List<Class<?>> hierarchy(Class<?> type) {
    List<Class<?>> out = new ArrayList<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      out.add(0, c);
    }
    return out;
  }
}
