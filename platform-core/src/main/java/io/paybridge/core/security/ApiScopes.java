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

  /** Every scope; a tenant's first client holds them all. */
  public static final List<String> ALL =
      List.of(
          PAYMENTS_READ,
          PAYMENTS_WRITE,
          GATEWAYS_READ,
          GATEWAYS_WRITE,
          SYNC_READ,
          SYNC_WRITE,
          RECEIPTS_READ);
}
