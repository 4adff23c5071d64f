package io.paybridge.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Hostile bodies for fuzzing, made from a real one (a delivery a gateway signed, a request body the
 * API or the console takes) or from scratch: a byte flipped, inserted or cut, a truncation, invalid
 * UTF-8, fields reordered, a key sent twice, numbers far out of range, deep nesting, a value of the
 * wrong type, form fields reordered, repeated or badly escaped, the wrong content type, an empty
 * body, a 10 MB one. Each says how it was made, for the failure report and the summary.
 */
public final class Mutations {

  /** A body and its content type, and how it was made. */
  public record Body(String how, byte[] bytes, String contentType) {
    public String text() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      String shown = text();
      return how
          + " ["
          + contentType
          + "] "
          + (shown.length() > 200
              ? shown.substring(0, 200) + "… (" + bytes.length + " bytes)"
              : shown);
    }
  }

  /** The largest body made: the 10 MB that no gateway sends. */
  public static final int HUGE = 10 * 1024 * 1024;

  private static final List<String> CONTENT_TYPES =
      List.of(
          ("application/json|application/x-www-form-urlencoded|text/plain|application/xml"
                  + "|multipart/form-data; boundary=xyz|application/json; charset=iso-8859-1||*/*;;;")
              .split("\\|", -1));

  private static final List<String> HUGE_NUMBERS =
      List.of(
          ("1"
                  + "0".repeat(400)
                  + " -9223372036854775809 9223372036854775808 1e999 -1e-999"
                  + " 0.000000000000000000000000000001 NaN -0 1.5 00012")
              .split(" "));

  private Mutations() {}

  /** Mutations of {@code original} (sent as {@code contentType}), the hostile cases weighted up. */
  public static Arbitrary<Body> of(byte[] original, String contentType) {
    int len = Math.max(1, original.length);
    Arbitrary<Integer> at = Arbitraries.integers().between(0, len - 1);
    Arbitrary<Body> flip =
        Combinators.combine(at, Arbitraries.integers().between(0, 7))
            .as(
                (i, bit) -> {
                  byte[] b = original.clone();
                  if (b.length > 0) {
                    b[i] ^= (byte) (1 << bit);
                  }
                  return new Body("byte " + i + " bit " + bit + " flipped", b, contentType);
                });
    Arbitrary<Body> insert =
        Combinators.combine(at, Arbitraries.bytes())
            .as(
                (i, x) ->
                    new Body(
                        "byte inserted at " + i,
                        splice(original, i, 0, new byte[] {x}),
                        contentType));
    Arbitrary<Body> cut =
        Combinators.combine(at, Arbitraries.integers().between(1, 64))
            .as(
                (i, n) ->
                    new Body(
                        n + " bytes cut at " + i,
                        splice(original, i, n, new byte[0]),
                        contentType));
    Arbitrary<Body> truncate =
        at.map(i -> new Body("truncated to " + i, Arrays.copyOf(original, i), contentType));
    Arbitrary<Body> utf8 =
        Combinators.combine(
                at,
                Arbitraries.of(
                    new byte[] {(byte) 0xC3, 0x28},
                    new byte[] {(byte) 0xFF},
                    new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                    new byte[] {0}))
            .as(
                (i, bad) ->
                    new Body("invalid UTF-8 at " + i, splice(original, i, 0, bad), contentType));
    Arbitrary<Body> wrongType =
        Arbitraries.of(CONTENT_TYPES)
            .filter(t -> !t.equals(contentType))
            .map(t -> new Body("content type " + t, original, t));
    Arbitrary<Body> empty = Arbitraries.just(new Body("empty body", new byte[0], contentType));
    Arbitrary<Body> huge =
        Arbitraries.of("padded", "raw")
            .map(
                how -> {
                  byte[] b =
                      how.equals("raw")
                          ? new byte[HUGE]
                          : Arrays.copyOf(original, original.length + HUGE);
                  Arrays.fill(b, how.equals("raw") ? 0 : original.length, b.length, (byte) ' ');
                  return new Body("10 MB " + how, b, contentType);
                });
    Arbitrary<Body> nesting =
        Arbitraries.of(64, 1_000, 5_000, 100_000)
            .map(
                depth ->
                    new Body(
                        "nested " + depth + " deep",
                        ("[".repeat(depth)
                                + new String(original, StandardCharsets.UTF_8)
                                + "]".repeat(depth))
                            .getBytes(StandardCharsets.UTF_8),
                        contentType));
    Arbitrary<Body> numbers =
        Combinators.combine(Arbitraries.integers().between(0, 50), Arbitraries.of(HUGE_NUMBERS))
            .as((n, huge2) -> replaceNumber(original, n, huge2, contentType));
    List<Tuple.Tuple2<Integer, Arbitrary<Body>>> cases = new ArrayList<>();
    cases.add(Tuple.of(20, flip));
    cases.add(Tuple.of(6, insert));
    cases.add(Tuple.of(6, cut));
    cases.add(Tuple.of(4, truncate));
    cases.add(Tuple.of(6, utf8));
    cases.add(Tuple.of(6, wrongType));
    cases.add(Tuple.of(2, empty));
    cases.add(Tuple.of(1, huge));
    cases.add(Tuple.of(4, nesting));
    cases.add(Tuple.of(8, numbers));
    JsonObject json = jsonObject(original);
    if (json != null && !json.isEmpty()) {
      cases.add(Tuple.of(8, jsonMutations(json, contentType)));
    }
    if (contentType != null && contentType.contains("urlencoded")) {
      cases.add(
          Tuple.of(12, formMutations(new String(original, StandardCharsets.UTF_8), contentType)));
    }
    return Arbitraries.frequencyOf(cases);
  }

  /** Bodies made from nothing: bytes, text, JSON of any shape, forms. */
  public static Arbitrary<Body> fromScratch() {
    Arbitrary<String> type = Arbitraries.of(CONTENT_TYPES);
    Arbitrary<Body> bytes =
        Combinators.combine(Arbitraries.bytes().array(byte[].class).ofMaxSize(2048), type)
            .as((b, t) -> new Body("random bytes", b, t));
    Arbitrary<Body> text =
        Combinators.combine(Arbitraries.strings().all().ofMaxLength(512), type)
            .as((s, t) -> new Body("random text", s.getBytes(StandardCharsets.UTF_8), t));
    Arbitrary<Body> json =
        jsonValues(3)
            .map(
                v ->
                    new Body(
                        "random JSON",
                        String.valueOf(encode(v)).getBytes(StandardCharsets.UTF_8),
                        "application/json"));
    Arbitrary<Body> form =
        Arbitraries.strings()
            .withCharRange('!', '~')
            .ofMaxLength(12)
            .list()
            .ofMaxSize(12)
            .map(
                parts -> {
                  StringBuilder b = new StringBuilder();
                  for (int i = 0; i + 1 < parts.size(); i += 2) {
                    b.append(i == 0 ? "" : "&")
                        .append(parts.get(i))
                        .append('=')
                        .append(parts.get(i + 1));
                  }
                  return new Body(
                      "random form",
                      b.toString().getBytes(StandardCharsets.UTF_8),
                      "application/x-www-form-urlencoded");
                });
    return Arbitraries.oneOf(bytes, text, json, form);
  }

  private static Arbitrary<Object> jsonValues(int depth) {
    Arbitrary<Object> leaf =
        Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(24).map(s -> (Object) s),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b))
            .injectNull(0.1);
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Object> child = Arbitraries.lazy(() -> jsonValues(depth - 1));
    Arbitrary<Object> array =
        child.list().ofMaxSize(4).map(l -> (Object) new JsonArray(new ArrayList<>(l)));
    Arbitrary<Object> object =
        Arbitraries.maps(
                Arbitraries.of(
                    "id",
                    "type",
                    "event",
                    "data",
                    "object",
                    "amount",
                    "currency",
                    "status",
                    "metadata",
                    "signature",
                    "created",
                    "x"),
                child)
            .ofMaxSize(4)
            .map(m -> (Object) new JsonObject(new java.util.LinkedHashMap<>(m)));
    return Arbitraries.frequencyOf(Tuple.of(3, leaf), Tuple.of(2, array), Tuple.of(3, object));
  }

  private static String encode(Object v) {
    if (v instanceof JsonObject o) {
      return o.encode();
    }
    if (v instanceof JsonArray a) {
      return a.encode();
    }
    return new JsonArray().add(v).encode().replaceAll("^\\[|\\]$", "");
  }

  private static Arbitrary<Body> jsonMutations(JsonObject json, String contentType) {
    List<String> keys = new ArrayList<>(json.fieldNames());
    Arbitrary<Body> reorder =
        Arbitraries.longs()
            .map(
                seed -> {
                  List<String> shuffled = new ArrayList<>(keys);
                  Collections.shuffle(shuffled, new Random(seed));
                  JsonObject copy = new JsonObject();
                  shuffled.forEach(k -> copy.put(k, json.getValue(k)));
                  return new Body(
                      "fields reordered",
                      copy.encode().getBytes(StandardCharsets.UTF_8),
                      contentType);
                });
    Arbitrary<Body> duplicate =
        Combinators.combine(Arbitraries.of(keys), jsonValues(1))
            .as(
                (k, v) -> {
                  String body = json.encode();
                  String twice =
                      body.substring(0, body.length() - 1)
                          + ","
                          + new JsonObject().put(k, v).encode().substring(1);
                  return new Body(
                      "key " + k + " sent twice",
                      twice.getBytes(StandardCharsets.UTF_8),
                      contentType);
                });
    Arbitrary<Body> retyped =
        Combinators.combine(Arbitraries.of(keys), jsonValues(2))
            .as(
                (k, v) ->
                    new Body(
                        "field "
                            + k
                            + " replaced by "
                            + (v == null ? "null" : v.getClass().getSimpleName()),
                        json.copy().put(k, v).encode().getBytes(StandardCharsets.UTF_8),
                        contentType));
    Arbitrary<Body> dropped =
        Arbitraries.of(keys)
            .map(
                k -> {
                  JsonObject copy = json.copy();
                  copy.remove(k);
                  return new Body(
                      "field " + k + " left out",
                      copy.encode().getBytes(StandardCharsets.UTF_8),
                      contentType);
                });
    return Arbitraries.oneOf(reorder, duplicate, retyped, dropped);
  }

  private static Arbitrary<Body> formMutations(String form, String contentType) {
    List<String> pairs = new ArrayList<>(Arrays.asList(form.split("&")));
    Arbitrary<Body> reorder =
        Arbitraries.longs()
            .map(
                seed -> {
                  List<String> shuffled = new ArrayList<>(pairs);
                  Collections.shuffle(shuffled, new Random(seed));
                  return new Body(
                      "form fields reordered",
                      String.join("&", shuffled).getBytes(StandardCharsets.UTF_8),
                      contentType);
                });
    Arbitrary<Body> twice =
        Combinators.combine(Arbitraries.of(pairs), Arbitraries.strings().ofMaxLength(12))
            .as(
                (pair, v) -> {
                  String name = pair.split("=", 2)[0];
                  return new Body(
                      "form field " + name + " sent twice",
                      (form
                              + "&"
                              + name
                              + "="
                              + java.net.URLEncoder.encode(v, StandardCharsets.UTF_8))
                          .getBytes(StandardCharsets.UTF_8),
                      contentType);
                });
    Arbitrary<Body> escapes =
        Combinators.combine(
                Arbitraries.of(pairs),
                Arbitraries.of("%", "%Z", "%ZZ", "%C3%28", "%00", "+", "=", "&&"))
            .as(
                (pair, bad) ->
                    new Body(
                        "bad escape " + bad,
                        form.replace(pair, pair + bad).getBytes(StandardCharsets.UTF_8),
                        contentType));
    Arbitrary<Body> dropped =
        Arbitraries.of(pairs)
            .map(
                pair -> {
                  List<String> rest = new ArrayList<>(pairs);
                  rest.remove(pair);
                  return new Body(
                      "form field left out",
                      String.join("&", rest).getBytes(StandardCharsets.UTF_8),
                      contentType);
                });
    return Arbitraries.oneOf(reorder, twice, escapes, dropped);
  }

  private static Body replaceNumber(byte[] original, int nth, String number, String contentType) {
    String text = new String(original, StandardCharsets.UTF_8);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("-?\\d+(\\.\\d+)?").matcher(text);
    List<int[]> runs = new ArrayList<>();
    while (m.find()) {
      runs.add(new int[] {m.start(), m.end()});
    }
    if (runs.isEmpty()) {
      return new Body(
          "number " + number + " appended",
          (text + number).getBytes(StandardCharsets.UTF_8),
          contentType);
    }
    int[] run = runs.get(nth % runs.size());
    String out = text.substring(0, run[0]) + number + text.substring(run[1]);
    return new Body(
        "number "
            + text.substring(run[0], run[1])
            + " → "
            + (number.length() > 24 ? number.length() + " digits" : number),
        out.getBytes(StandardCharsets.UTF_8),
        contentType);
  }

  private static byte[] splice(byte[] original, int at, int remove, byte[] insert) {
    int from = Math.min(at, original.length);
    int to = Math.min(original.length, from + remove);
    ByteArrayOutputStream out = new ByteArrayOutputStream(original.length + insert.length);
    out.write(original, 0, from);
    out.write(insert, 0, insert.length);
    out.write(original, to, original.length - to);
    return out.toByteArray();
  }

  private static JsonObject jsonObject(byte[] body) {
    try {
      Object v = io.vertx.core.json.Json.decodeValue(io.vertx.core.buffer.Buffer.buffer(body));
      return v instanceof JsonObject o ? o : null;
    } catch (RuntimeException notJson) {
      return null;
    }
  }
}
