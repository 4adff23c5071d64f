package io.paybridge.core.tenant;

import io.paybridge.core.security.ApiScopes;
import io.paybridge.core.security.SecretHasher;
import io.paybridge.core.security.Tokens;
import io.paybridge.core.usecase.Checks;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a tenant does to exist and prove who it is, whether through the API or the console: sign up
 * (with its first API client), and sign in with its email and password. Owns the rules both share:
 * what a valid name, email and password are, and that passwords and secrets are stored only as slow
 * hashes computed off the event loop, at the same cost whether or not the email is known.
 */
public final class Tenants {

  /** Shortest password accepted. */
  public static final int MIN_PASSWORD = 12;

  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");

  /** A new tenant, and its first API client's credentials (the secret exists only here). */
  public record SignedUp(
      UUID tenantId, String name, String email, String clientId, String clientSecret) {}

  private final Vertx vertx;
  private final TenantStore store;
  private final SecretHasher hasher;
  private volatile String decoy;

  public Tenants(Vertx vertx, TenantStore store, SecretHasher hasher) {
    this.vertx = vertx;
    this.store = store;
    this.hasher = hasher;
  }

  /**
   * Signs a tenant up. Fails with {@link io.paybridge.core.usecase.InvalidInput} naming every field
   * at fault, or {@link TenantStore.EmailTakenException}.
   */
  public Future<SignedUp> signUp(String name, String email, String password) {
    String n = name == null ? "" : name.strip();
    String e = email == null ? "" : email.strip();
    String p = password == null ? "" : password;
    return new Checks()
        .require(
            Checks.lengthWithin(n, 1, 200),
            "name",
            "Enter your organisation's name (up to 200 characters).")
        .require(
            e.length() <= 254 && EMAIL.matcher(e).matches(),
            "email",
            "Enter a valid email address.")
        .require(
            p.length() >= MIN_PASSWORD && p.length() <= 256,
            "password",
            "Choose a password of at least " + MIN_PASSWORD + " characters (at most 256).")
        .verdict()
        .compose(v -> create(n, e, p));
  }

  private Future<SignedUp> create(String n, String e, String p) {
    String clientId = Tokens.random("pbc_", 12);
    String clientSecret = Tokens.random("pbs_", 32);
    return vertx
        .executeBlocking(() -> new String[] {hasher.hash(p), hasher.hash(clientSecret)}, false)
        .compose(h -> store.createWithClient(n, e, h[0], clientId, h[1], ApiScopes.ALL))
        .map(id -> new SignedUp(id, n, e, clientId, clientSecret));
  }

  /**
   * The tenant with this email and password, or {@code null}. Unknown emails cost the same hash as
   * known ones, so the answer's timing does not tell which emails have accounts.
   */
  public Future<TenantStore.Tenant> signIn(String email, String password) {
    if (email == null || password == null || email.length() > 254 || password.length() > 256) {
      return Future.succeededFuture(null);
    }
    return store
        .findByEmail(email.strip())
        .compose(
            tenant ->
                vertx.executeBlocking(
                    () -> {
                      String stored = tenant == null ? decoyHash() : tenant.passwordHash();
                      boolean ok = hasher.matches(password, stored);
                      return ok && tenant != null ? tenant : null;
                    },
                    false));
  }

  /** A tenant by id, or {@code null}. */
  public Future<TenantStore.Tenant> find(UUID tenantId) {
    return store.find(tenantId);
  }

  private String decoyHash() {
    String d = decoy;
    if (d == null) {
      d = hasher.decoy();
      decoy = d;
    }
    return d;
  }
}
