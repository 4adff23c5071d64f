package io.paybridge.core.security;

import java.util.List;

/** OAuth2 scopes of the partner API, shared by the API and the console. */
public final class ApiScopes {

  private ApiScopes() {}

  public static final String PAYMENTS_READ = "payments:read";

  /** Move money: store customers' payment methods and charge them. */
  public static final String PAYMENTS_WRITE = "payments:write";

  public static final String GATEWAYS_READ = "gateways:read";
  public static final String GATEWAYS_WRITE = "gateways:write";
  public static final String SYNC_READ = "sync:read";
  public static final String SYNC_WRITE = "sync:write";

  /** Read webhook receipts: every delivery, its verdict, body and what it booked. */
  public static final String RECEIPTS_READ = "receipts:read";

  /** See the tenant's integrations (Cobot) and their state. */
  public static final String INTEGRATIONS_READ = "integrations:read";

  /** Connect and disconnect integrations (Cobot). */
  public static final String INTEGRATIONS_WRITE = "integrations:write";

  /** See the tenant's API clients: names, scopes, last use; never a secret. */
  public static final String API_CLIENTS_READ = "api-clients:read";

  /** Create, rotate and delete the tenant's API clients; a client grants only scopes it holds. */
  public static final String API_CLIENTS_WRITE = "api-clients:write";

  /** Every scope; a tenant's first client holds them all. */
  public static final List<String> ALL =
      List.of(
          PAYMENTS_READ,
          PAYMENTS_WRITE,
          GATEWAYS_READ,
          GATEWAYS_WRITE,
          SYNC_READ,
          SYNC_WRITE,
          RECEIPTS_READ,
          INTEGRATIONS_READ,
          INTEGRATIONS_WRITE,
          API_CLIENTS_READ,
          API_CLIENTS_WRITE);
}
