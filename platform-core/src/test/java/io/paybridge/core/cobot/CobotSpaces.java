package io.paybridge.core.cobot;

import io.paybridge.testkit.RandomIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cobot's spaces, users, admins and memberships, and their API 1 JSON. Not thread-safe: {@link
 * CobotSimulator} guards it with its own monitor.
 */
final class CobotSpaces {

  private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9](?:[a-z0-9-]*[a-z0-9])?");

  /** A coworking space; its subdomain is its key. */
  record Space(String id, String subdomain, String name, String currency) {}

  /** A Cobot user; {@code name} is what {@code admin_of} shows. */
  record User(String id, String email, String name) {}

  /** A membership of a space, with or without a Cobot user of its own. */
  record Membership(
      String id, String subdomain, String userId, String name, String email, Instant confirmedAt) {}

  private final SimulatedUrls urls;
  private final Map<String, Space> spaces = new LinkedHashMap<>();
  private final Map<String, User> users = new LinkedHashMap<>();
  private final Map<String, Membership> memberships = new LinkedHashMap<>();
  private final Map<String, Set<String>> admins = new LinkedHashMap<>();

  CobotSpaces(SimulatedUrls urls) {
    this.urls = urls;
  }

  // ---- state

  Space addSpace(String subdomain, String name, String currency) {
    if (subdomain == null || !SUBDOMAIN.matcher(subdomain).matches()) {
      throw new IllegalArgumentException("not a subdomain: " + subdomain);
    }
    if (spaces.containsKey(subdomain)) {
      throw new IllegalArgumentException("space " + subdomain + " exists already");
    }
    String code = Currency.getInstance(currency.toUpperCase(Locale.ROOT)).getCurrencyCode();
    Space space =
        new Space("space-" + RandomIds.hex(32), subdomain, Objects.requireNonNull(name), code);
    spaces.put(subdomain, space);
    admins.put(subdomain, new LinkedHashSet<>());
    return space;
  }

  User addUser(String email, String name) {
    Objects.requireNonNull(email, "email");
    User user = new User("user-" + RandomIds.hex(12), email, Objects.requireNonNull(name));
    users.put(user.id(), user);
    return user;
  }

  void addAdmin(String subdomain, String userId) {
    requireSpace(subdomain);
    admins.get(subdomain).add(requireUser(userId).id());
  }

  void removeAdmin(String subdomain, String userId) {
    requireSpace(subdomain);
    admins.get(subdomain).remove(userId);
  }

  Membership addMembership(String subdomain, String userId, String name, String email) {
    requireSpace(subdomain);
    if (userId != null) {
      requireUser(userId);
    }
    Membership membership =
        new Membership(
            "1" + RandomIds.digits(10),
            subdomain,
            userId,
            Objects.requireNonNull(name, "name"),
            email,
            Instant.now());
    memberships.put(membership.id(), membership);
    return membership;
  }

  /** The space; an {@link IllegalArgumentException} for a test naming an unknown one. */
  Space requireSpace(String subdomain) {
    Space space = spaces.get(subdomain);
    if (space == null) {
      throw new IllegalArgumentException("no space " + subdomain + "; add it first");
    }
    return space;
  }

  /** The user; an {@link IllegalArgumentException} for a test naming an unknown one. */
  User requireUser(String userId) {
    User user = users.get(userId);
    if (user == null) {
      throw new IllegalArgumentException("no user " + userId + "; add it first");
    }
    return user;
  }

  /** The membership of this space; an {@link IllegalArgumentException} when there is none. */
  Membership requireMembership(String subdomain, String membershipId) {
    Membership membership = memberships.get(membershipId);
    if (membership == null || !membership.subdomain().equals(subdomain)) {
      throw new IllegalArgumentException("no membership " + membershipId + " in " + subdomain);
    }
    return membership;
  }

  boolean userExists(String userId) {
    return users.containsKey(userId);
  }

  // ---- serving

  /** The space a request names; {@code 404 {}} when Cobot has no such subdomain. */
  Space space(String subdomain) {
    Space space = spaces.get(subdomain);
    if (space == null) {
      throw CobotRefusal.notFound();
    }
    return space;
  }

  /** Refuses a user who is not (or no longer) an admin of the space with {@code 403}. */
  void requireAdmin(String subdomain, String userId) {
    if (!admins.getOrDefault(subdomain, Set.of()).contains(userId)) {
      throw CobotRefusal.forbidden(
          "forbidden", "The user is not an admin of the space " + subdomain);
    }
  }

  /** {@code GET https://www.cobot.me/api/user}. */
  JsonObject userJson(String userId) {
    User user = users.get(userId);
    JsonArray ofMemberships = new JsonArray();
    for (Membership m : memberships.values()) {
      if (userId.equals(m.userId())) {
        Space space = spaces.get(m.subdomain());
        ofMemberships.add(
            new JsonObject()
                .put("id", m.id())
                .put("space_subdomain", space.subdomain())
                .put("space_name", space.name())
                .put("space_link", urls.spaceLink(space.subdomain()))
                .put("link", membershipUrl(m)));
      }
    }
    JsonArray adminOf = new JsonArray();
    admins.forEach(
        (subdomain, ids) -> {
          if (ids.contains(userId)) {
            Space space = spaces.get(subdomain);
            adminOf.add(
                new JsonObject()
                    .put("space_subdomain", subdomain)
                    .put("space_name", space.name())
                    .put("space_link", urls.spaceLink(subdomain))
                    .put("name", user.name()));
          }
        });
    return new JsonObject()
        .put("id", user.id())
        .put("email", user.email())
        .put("memberships", ofMemberships)
        .put("admin_of", adminOf);
  }

  /** {@code GET https://www.cobot.me/api/spaces/{subdomain}}, served without a token. */
  JsonObject spaceJson(String subdomain) {
    Space space = space(subdomain);
    return new JsonObject()
        .put("id", space.id())
        .put("name", space.name())
        .put("subdomain", space.subdomain())
        .put("url", urls.space(subdomain))
        .put("currency", space.currency())
        .put("price_decimals", CobotFormat.decimals(space.currency()));
  }

  /** {@code GET /api/memberships/{id}}; {@code 404 {}} for one of another space or none. */
  JsonObject membershipJson(String subdomain, String membershipId) {
    Membership m = memberships.get(membershipId);
    if (m == null || !m.subdomain().equals(subdomain)) {
      throw CobotRefusal.notFound();
    }
    return membershipJson(m);
  }

  /** {@code GET /api/memberships}: the space's memberships, oldest first. */
  JsonArray membershipsJson(String subdomain) {
    JsonArray out = new JsonArray();
    memberships.values().stream()
        .filter(m -> m.subdomain().equals(subdomain))
        .forEach(m -> out.add(membershipJson(m)));
    return out;
  }

  /** A membership's API URL, what its webhooks and {@code /api/user} link to. */
  String membershipUrl(Membership m) {
    return urls.spaceApi(m.subdomain()) + "/memberships/" + m.id();
  }

  private JsonObject membershipJson(Membership m) {
    Space space = spaces.get(m.subdomain());
    User user = m.userId() == null ? null : users.get(m.userId());
    String zero = CobotFormat.amount(BigDecimal.ZERO, space.currency());
    return new JsonObject()
        .put("id", m.id())
        .put("name", m.name())
        .put("email", m.email())
        .put("phone", null)
        .put(
            "user",
            user == null ? null : new JsonObject().put("id", user.id()).put("email", user.email()))
        .put(
            "address",
            new JsonObject()
                .put("company", null)
                .put("name", m.name())
                .put("full_address", null)
                .put("country", null))
        .put(
            "plan",
            new JsonObject()
                .put("name", "Membership")
                .put("price_per_cycle", zero)
                .put("price_per_cycle_in_cents", 0)
                .put("currency", space.currency())
                .put("cycle_duration", 1))
        .put("payment_method", new JsonObject().put("name", "cash").put("automated", false))
        .put("confirmed_at", CobotFormat.time(m.confirmedAt()))
        .put("starts_at", CobotFormat.date(m.confirmedAt()))
        .put("canceled_to", null);
  }
}
