package io.paybridge.spi;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a gateway's JSON body a plugin reads, so that a delivery's body is read into only
 * those: a webhook of a couple of kilobytes carries dozens of fields the ledger never looks at, and
 * a map, a string or a boxed number for each of them, on every delivery, is work for nothing.
 *
 * <p>A selection names fields of an object; each is kept whole, or as a narrower selection of its
 * own when it is an object. {@link #read} goes over the whole body with the same JSON parser, under
 * the same limits, as {@link Json#object(Buffer)}, so it accepts and refuses exactly the bodies
 * {@link Json#object(Buffer)} does, with the same reasons (every refusal is left to {@link
 * Json#object(Buffer)} itself); fields outside the selection are checked as JSON but not kept. The
 * values kept are the ones {@link Json#object(Buffer)} gives for them: the same types, the last of
 * repeated names. A plugin must therefore read nothing outside its selection from the result.
 */
public final class JsonSelection {

  private static final JsonSelection WHOLE = new JsonSelection(null);

  /** The fields kept and how; {@code null} keeps every field whole. */
  private final Map<String, JsonSelection> fields;

  private JsonSelection(Map<String, JsonSelection> fields) {
    this.fields = fields;
  }

  /** The named fields of an object, each kept whole. */
  public static JsonSelection fields(String... names) {
    Map<String, JsonSelection> out = new HashMap<>();
    for (String name : names) {
      out.put(name, WHOLE);
    }
    return new JsonSelection(out);
  }

  /** This selection, with the field {@code name} kept as {@code inner} selects. */
  public JsonSelection with(String name, JsonSelection inner) {
    if (fields == null) {
      throw new IllegalStateException("a whole value has no narrower selection");
    }
    Map<String, JsonSelection> out = new HashMap<>(fields);
    out.put(name, inner);
    return new JsonSelection(out);
  }

  /**
   * Parses a JSON object body, keeping the selected fields.
   *
   * @throws MalformedWebhookException as {@link Json#object(Buffer)} does, for the same bodies
   */
  public JsonObject read(Buffer body) {
    try (JsonParser parser = JacksonCodec.createParser(body)) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        Map<String, Object> kept = object(parser, this);
        if (parser.nextToken() == null) {
          return new JsonObject(kept);
        }
      }
    } catch (IOException | DecodeException refused) {
      // Fall through: the full parse says why, in its own words.
    }
    // Not an object, trailing content, or not JSON: refused exactly as the full parse refuses it.
    return Json.object(body);
  }

  private static Map<String, Object> object(JsonParser parser, JsonSelection selection)
      throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    String name;
    while ((name = parser.nextFieldName()) != null) {
      parser.nextToken();
      JsonSelection inner = selection.fields == null ? WHOLE : selection.fields.get(name);
      if (inner == null) {
        parser.skipChildren();
      } else {
        map.put(name, value(parser, inner));
      }
    }
    return map;
  }

  private static List<Object> array(JsonParser parser) throws IOException {
    List<Object> list = new ArrayList<>();
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      list.add(value(parser, WHOLE));
    }
    return list;
  }

  /** The current value, as Vert.x's own decoder makes it. */
  private static Object value(JsonParser parser, JsonSelection selection) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) {
      throw new DecodeException("Unexpected end of input");
    }
    return switch (token) {
      case START_OBJECT -> object(parser, selection);
      case START_ARRAY -> array(parser);
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new DecodeException("Unexpected token");
    };
  }
}
