package io.paybridge.core.cobot;

import io.paybridge.testkit.Answer;
import io.paybridge.testkit.RandomIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What apps keep in a space: activities on its dashboard, navigation links to their iframes, and
 * webhook subscriptions. Links and subscriptions belong to the app (OAuth client) that made them.
 * Not thread-safe: {@link CobotSimulator} guards it with its own monitor.
 */
final class CobotApps {

  /** The sections a navigation link can be added to. */
  static final Set<String> SECTIONS =
      Set.of("admin/setup", "admin/manage", "admin/analyze", "members");

  /** The webhook events Cobot's webhooks page lists. */
  static final Set<String> EVENTS =
      Set.of(
          "created_invoice",
          "updated_invoice",
          "sent_invoice",
          "wrote_off_invoice",
          "requested_e_invoice",
          "deleted_invoice",
          "connected_user",
          "updated_connected_user",
          "created_admin",
          "deleted_admin",
          "created_booking",
          "updated_booking",
          "booking_will_begin",
          "booking_has_ended",
          "deleted_booking",
          "confirmed_membership",
          "created_membership",
          "deleted_membership",
          "canceled_membership",
          "uncanceled_membership",
          "reactivated_membership",
          "membership_cancellation_date_reached",
          "changed_membership_plan",
          "membership_plan_change_date_reached",
          "updated_membership_details",
          "updated_payment_method",
          "created_checkin",
          "created_drop_in_pass",
          "published_event");

  private static final Set<String> LEVELS = Set.of("ERROR", "WARN", "INFO");
  private static final Set<String> CHANNELS = Set.of("admin", "membership");

  /** Something an app keeps in a space, with the app that owns it. */
  private record Owned(String subdomain, String clientId, JsonObject json) {}

  /** A subscription's target, read out to deliver a webhook outside the monitor. */
  record Target(String subdomain, String id, String callbackUrl) {}

  private final SimulatedUrls urls;
  private final List<Owned> activities = new ArrayList<>();
  private final Map<String, Owned> links = new LinkedHashMap<>();
  private final Map<String, Owned> subscriptions = new LinkedHashMap<>();

  CobotApps(SimulatedUrls urls) {
    this.urls = urls;
  }

  // ---- activities

  /** {@code POST /api/activities}: {@code text} is required; {@code channels} default to admin. */
  JsonObject addActivity(String subdomain, String clientId, JsonObject body) {
    Object text = body.getValue("text");
    if (text == null || text.toString().isBlank()) {
      throw CobotRefusal.invalidField("text", "can't be blank");
    }
    Object level = body.getValue("level");
    String levelText = level == null || level.toString().isEmpty() ? null : level.toString();
    if (levelText != null && !LEVELS.contains(levelText.toUpperCase(Locale.ROOT))) {
      throw CobotRefusal.invalidField("level", "is not included in the list");
    }
    JsonArray channels = strings(body.getValue("channels"), "channels");
    if (channels.isEmpty()) {
      channels.add("admin");
    }
    if (!channels.stream().allMatch(CHANNELS::contains)) {
      throw CobotRefusal.invalidField("channels", "is not included in the list");
    }
    JsonObject activity =
        new JsonObject()
            .put("created_at", CobotFormat.time(Instant.now()))
            .put("type", "text")
            .put("channels", channels)
            .put("level", levelText == null ? null : levelText.toUpperCase(Locale.ROOT))
            .put("attributes", new JsonObject().put("text", text.toString()))
            .put("source_ids", strings(body.getValue("source_ids"), "source_ids"));
    activities.add(new Owned(subdomain, clientId, activity));
    return activity.copy();
  }

  /**
   * {@code GET /api/activities[?source_ids=a,b][&last=n]}: the space's activities, oldest first.
   */
  JsonArray activities(String subdomain, Map<String, String> query) {
    String sourceIds = query.get("source_ids");
    Set<String> sources =
        sourceIds == null || sourceIds.isBlank() ? Set.of() : Set.of(sourceIds.split(","));
    List<JsonObject> matching =
        activities.stream()
            .filter(a -> a.subdomain().equals(subdomain))
            .map(Owned::json)
            .filter(
                a ->
                    sources.isEmpty()
                        || a.getJsonArray("source_ids").stream().anyMatch(sources::contains))
            .toList();
    int last = matching.size();
    try {
      last = query.get("last") == null ? last : Math.min(last, Integer.parseInt(query.get("last")));
    } catch (NumberFormatException e) {
      throw CobotRefusal.invalidField("last", "is not a number");
    }
    JsonArray out = new JsonArray();
    matching
        .subList(matching.size() - Math.max(0, last), matching.size())
        .forEach(a -> out.add(a.copy()));
    return out;
  }

  List<JsonObject> activities(String subdomain) {
    return activities.stream()
        .filter(a -> a.subdomain().equals(subdomain))
        .map(a -> a.json().copy())
        .toList();
  }

  // ---- navigation links

  /** {@code POST /api/navigation_links}: a section of {@link #SECTIONS}, a label, an iframe URL. */
  JsonObject addLink(String subdomain, String clientId, JsonObject body) {
    String section = text(body, "section");
    if (section == null || !SECTIONS.contains(section)) {
      throw CobotRefusal.invalidField("section", "is not included in the list");
    }
    String label = text(body, "label");
    if (label == null || label.isBlank()) {
      throw CobotRefusal.invalidField("label", "can't be blank");
    }
    String iframeUrl = text(body, "iframe_url");
    if (!isHttpUrl(iframeUrl)) {
      throw CobotRefusal.invalidField("iframe_url", "is invalid");
    }
    String id = RandomIds.hex(32);
    JsonObject link =
        new JsonObject()
            .put("section", section)
            .put("label", label)
            .put("iframe_url", iframeUrl)
            .put("url", urls.spaceApi(subdomain) + "/navigation_links/" + id)
            .put("user_url", urls.space(subdomain) + "/navigation_links/" + id);
    links.put(id, new Owned(subdomain, clientId, link));
    return link.copy();
  }

  /** {@code GET /api/navigation_links}: the app's links in the space, oldest first. */
  JsonArray links(String subdomain, String clientId) {
    return owned(links, subdomain, clientId);
  }

  /** {@code GET /api/navigation_links/{id}}; {@code 404 {}} for another app's or none. */
  JsonObject link(String subdomain, String clientId, String id) {
    return find(links, subdomain, clientId, id).json().copy();
  }

  /** {@code DELETE /api/navigation_links/{id}}; {@code 404 {}} for another app's or none. */
  void deleteLink(String subdomain, String clientId, String id) {
    find(links, subdomain, clientId, id);
    links.remove(id);
  }

  List<JsonObject> links(String subdomain) {
    return all(links, subdomain);
  }

  /** A space's link whatever app made it, as the member area shows it; {@code 404} for none. */
  JsonObject anyLink(String subdomain, String id) {
    Owned link = links.get(id);
    if (link == null || !link.subdomain().equals(subdomain)) {
      throw CobotRefusal.notFound();
    }
    return link.json().copy();
  }

  // ---- webhook subscriptions

  /**
   * {@code POST /api/subscriptions}: {@code 409} when the app has an active subscription of this
   * event and callback URL; an inactive one is renewed in place.
   */
  Answer subscribe(String subdomain, String clientId, JsonObject body) {
    String event = text(body, "event");
    if (event == null || !EVENTS.contains(event)) {
      throw CobotRefusal.invalidField("event", "is not included in the list");
    }
    String callbackUrl = text(body, "callback_url");
    if (!isHttpUrl(callbackUrl)) {
      throw CobotRefusal.invalidField("callback_url", "is invalid");
    }
    for (Map.Entry<String, Owned> e : subscriptions.entrySet()) {
      JsonObject s = e.getValue().json();
      if (e.getValue().subdomain().equals(subdomain)
          && e.getValue().clientId().equals(clientId)
          && s.getString("event").equals(event)
          && s.getString("callback_url").equals(callbackUrl)) {
        if (s.getBoolean("active")) {
          return CobotFormat.json(
              409, new JsonObject().put("errors", "The subscription exists already"));
        }
        s.put("active", true);
        return CobotFormat.json(201, s.copy());
      }
    }
    String id;
    do {
      id = "1" + RandomIds.digits(7);
    } while (subscriptions.containsKey(id));
    JsonObject subscription =
        new JsonObject()
            .put("id", id)
            .put("event", event)
            .put("url", urls.spaceApi(subdomain) + "/subscriptions/" + id)
            .put("active", true)
            .put("callback_url", callbackUrl);
    subscriptions.put(id, new Owned(subdomain, clientId, subscription));
    return CobotFormat.json(201, subscription.copy());
  }

  /** {@code GET /api/subscriptions}: the app's subscriptions in the space, inactive ones too. */
  JsonArray subscriptions(String subdomain, String clientId) {
    return owned(subscriptions, subdomain, clientId);
  }

  /** {@code GET /api/subscriptions/{id}}: whether it is still active. */
  JsonObject subscription(String subdomain, String clientId, String id) {
    return find(subscriptions, subdomain, clientId, id).json().copy();
  }

  /** {@code DELETE /api/subscriptions/{id}}; {@code 404 {}} for another app's or none. */
  void unsubscribe(String subdomain, String clientId, String id) {
    find(subscriptions, subdomain, clientId, id);
    subscriptions.remove(id);
  }

  List<JsonObject> subscriptions(String subdomain) {
    return all(subscriptions, subdomain);
  }

  /** The active subscriptions of the space to {@code event}, oldest first. */
  List<Target> targets(String subdomain, String event) {
    return subscriptions.values().stream()
        .filter(o -> o.subdomain().equals(subdomain))
        .filter(o -> o.json().getString("event").equals(event) && o.json().getBoolean("active"))
        .map(
            o ->
                new Target(subdomain, o.json().getString("id"), o.json().getString("callback_url")))
        .toList();
  }

  /** Deactivates a subscription, as Cobot does when its callback answers {@code 410}. */
  void deactivate(String id) {
    Owned owned = subscriptions.get(id);
    if (owned != null) {
      owned.json().put("active", false);
    }
  }

  // ---- helpers

  private static JsonArray owned(Map<String, Owned> map, String subdomain, String clientId) {
    JsonArray out = new JsonArray();
    map.values().stream()
        .filter(o -> o.subdomain().equals(subdomain) && o.clientId().equals(clientId))
        .forEach(o -> out.add(o.json().copy()));
    return out;
  }

  private static List<JsonObject> all(Map<String, Owned> map, String subdomain) {
    return map.values().stream()
        .filter(o -> o.subdomain().equals(subdomain))
        .map(o -> o.json().copy())
        .toList();
  }

  private static Owned find(Map<String, Owned> map, String subdomain, String clientId, String id) {
    Owned owned = map.get(id);
    if (owned == null
        || !owned.subdomain().equals(subdomain)
        || !owned.clientId().equals(clientId)) {
      throw CobotRefusal.notFound();
    }
    return owned;
  }

  private static String text(JsonObject body, String field) {
    Object value = body.getValue(field);
    return value == null ? null : value.toString();
  }

  /** A JSON array of strings, or a single string as one; {@code 422} for anything else. */
  private static JsonArray strings(Object value, String field) {
    JsonArray out = new JsonArray();
    if (value == null) {
      return out;
    }
    if (value instanceof String s) {
      return out.add(s);
    }
    if (value instanceof JsonArray array) {
      array.forEach(v -> out.add(String.valueOf(v)));
      return out;
    }
    throw CobotRefusal.invalidField(field, "is invalid");
  }

  private static boolean isHttpUrl(String text) {
    if (text == null || text.isBlank()) {
      return false;
    }
    try {
      URI uri = new URI(text);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
