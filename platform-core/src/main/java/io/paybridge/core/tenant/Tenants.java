package io.paybridge.core.tenant;

import io.paybridge.core.security.ApiScopes;
import io.paybridge.core.security.ClientSecrets;
import io.paybridge.core.security.HashPool;
import io.paybridge.core.security.Tokens;
import io.paybridge.core.throttle.Throttles;
import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.InvalidInput;
import io.vertx.core.Future;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * What a tenant does to exist and prove who it is, whether through the API or the console: sign up
 * (through the API with its first API client), and sign in with its email and password. Owns the
 * rules both share: what a valid name, email and password are; that passwords are stored only as
 * slow hashes, computed on the node's hash pool at the same cost whether or not the email is known,
 * and client secrets only as keyed digests ({@link ClientSecrets}); and that every attempt is
 * reserved with the cluster's throttles before it may cost a hash.
 */
public final class Tenants {

  /** Shortest password accepted. */
  public static final int MIN_PASSWORD = 12;

  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");

  /**
   * A new tenant, and its first API client's credentials when it got one (the secret exists only
   * here); {@code null} client fields for a tenant that signed up in the console.
   */
  public record SignedUp(
      UUID tenantId, String name, String email, String clientId, String clientSecret) {}

  private final TenantStore store;
  private final HashPool hashes;
  private final ClientSecrets secrets;
  private final Throttles throttles;

  public Tenants(TenantStore store, HashPool hashes, ClientSecrets secrets, Throttles throttles) {
    this.store = store;
    this.hashes = hashes;
    this.secrets = secrets;
    this.throttles = throttles;
  }

  /**
   * Signs a tenant up from a client address. Fails with {@link
   * io.paybridge.core.usecase.InvalidInput} naming every field at fault, {@link
   * io.paybridge.core.usecase.Throttled} when the address has signed up too often, or {@link
   * TenantStore.EmailTakenException}. The tenant gets its first API client, whose secret the answer
   * shows once (the API's sign-up).
   */
  public Future<SignedUp> signUp(String name, String email, String password, String address) {
    return signUp(name, email, password, address, true);
  }

  /**
   * Signs a tenant up as {@link #signUp} does, without an API client: a tenant who signs up in the
   * console creates clients on its API clients page when it needs one, and sees each secret then.
   */
  public Future<SignedUp> signUpWithoutClient(
      String name, String email, String password, String address) {
    return signUp(name, email, password, address, false);
  }

  private Future<SignedUp> signUp(
      String name, String email, String password, String address, boolean firstClient) {
    String n = name == null ? "" : name.strip();
    String e = email == null ? "" : email.strip();
    String p = password == null ? "" : password;
    return new Checks()
        .require(
            Checks.lengthWithin(n, 1, 200),
            "name",
            "Enter your organisation's name (at most 200 characters).")
        .require(
            e.length() <= 254 && EMAIL.matcher(e).matches(),
            "email",
            "Enter a valid email address.")
        .require(
            p.length() >= MIN_PASSWORD && p.length() <= 256,
            "password",
            "Choose a password of at least " + MIN_PASSWORD + " characters (at most 256).")
        .verdict()
        .compose(v -> throttles.signUp(address))
        .compose(reserved -> create(n, e, p, firstClient));
  }

  private Future<SignedUp> create(String n, String e, String p, boolean firstClient) {
    String clientId = firstClient ? Tokens.random("pbc_", 12) : null;
    String clientSecret = firstClient ? Tokens.random("pbs_", 32) : null;
    Future<String> passwordHash = hashes.hash(p);
    Future<String> secretHash =
        firstClient ? secrets.digest(clientId, clientSecret) : Future.succeededFuture(null);
    return Future.all(passwordHash, secretHash)
        .compose(
            h ->
                store.create(
                    n, e, passwordHash.result(), clientId, secretHash.result(), ApiScopes.ALL))
        .map(id -> new SignedUp(id, n, e, clientId, clientSecret));
  }

  /**
   * The tenant with this email and password, or {@code null}, for a sign-in from a client address.
   * Unknown emails cost the same hash as known ones, so the answer's timing does not tell which
   * emails have accounts. Fails with {@link io.paybridge.core.usecase.Throttled}, before any hash,
   * when the email, the address or the two together have had too many wrong passwords.
   */
  public Future<TenantStore.Tenant> signIn(String email, String password, String address) {
    if (email == null
        || password == null
        || email.isBlank()
        || email.length() > 254
        || password.length() > 256) {
      return Future.succeededFuture(null);
    }
    return throttles
        .signIn(email, address)
        .compose(
            reservation ->
                store
                    .findByEmail(email.strip())
                    .compose(
                        tenant ->
                            hashes
                                .matches(password, tenant == null ? null : tenant.passwordHash())
                                .compose(
                                    ok ->
                                        ok
                                            ? giveBack(reservation).map(tenant)
                                            : Future.succeededFuture(null))));
  }

  /**
   * Changes a signed-in tenant's password after checking the current one, which is a sign-in
   * attempt like any other (throttled per email and address, {@link
   * io.paybridge.core.usecase.Throttled}). Fails with {@link InvalidInput} naming {@code
   * currentPassword} when it is wrong, or {@code newPassword} when the new one is too short or too
   * long.
   */
  public Future<Void> changePassword(
      UUID tenantId, String currentPassword, String newPassword, String address) {
    String next = newPassword == null ? "" : newPassword;
    if (next.length() < MIN_PASSWORD || next.length() > 256) {
      return Future.failedFuture(
          InvalidInput.of(
              "newPassword",
              "Choose a password of at least " + MIN_PASSWORD + " characters (at most 256)."));
    }
    return store
        .find(tenantId)
        .compose(
            tenant ->
                signIn(tenant == null ? null : tenant.email(), currentPassword, address)
                    .compose(
                        checked -> {
                          if (checked == null || !checked.id().equals(tenantId)) {
                            return Future.failedFuture(
                                InvalidInput.of(
                                    "currentPassword", "The current password is not right."));
                          }
                          return hashes
                              .hash(next)
                              .compose(
                                  hash ->
                                      store.changePassword(tenantId, checked.passwordHash(), hash))
                              .compose(
                                  changed ->
                                      changed
                                          ? Future.<Void>succeededFuture()
                                          : Future.failedFuture(
                                              InvalidInput.of(
                                                  "currentPassword",
                                                  "The password was changed meanwhile; sign in"
                                                      + " again with the new one.")));
                        }));
  }

  /** A tenant by id, or {@code null}. */
  public Future<TenantStore.Tenant> find(UUID tenantId) {
    return store.find(tenantId);
  }

  /**
   * Gives a good attempt's reservation back; if the database cannot take it now, the attempt stays
   * counted as if it had failed, which only tightens the limit, and the caller still gets in.
   */
  private static Future<Void> giveBack(Throttles.Reservation reservation) {
    return reservation.release().otherwiseEmpty();
  }
}
