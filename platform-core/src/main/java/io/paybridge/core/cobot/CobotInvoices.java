package io.paybridge.core.cobot;

import io.paybridge.core.usecase.InvalidInput;
import io.paybridge.core.usecase.Page;
import io.paybridge.core.usecase.PageRequest;
import io.paybridge.core.usecase.Refused;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * A space's invoices: each {@code created_invoice} webhook is recorded and answered at once, and a
 * job ({@link CobotInvoiceJob}) fetches the invoice and charges it. The posted URL is trusted only
 * when it names an invoice under the space's own API: anything else could send the space's token to
 * a stranger, so it is never fetched and is kept as rejected.
 */
public final class CobotInvoices {

  /** Reason codes of outcomes. */
  public static final String FOREIGN_URL = "foreign_url";

  public static final String DELETED = "deleted";
  public static final String NOTHING_TO_PAY = "nothing_to_pay";
  public static final String NO_MEMBERSHIP = "no_membership";
  public static final String NO_PAYMENT_METHOD = "no_payment_method";
  public static final String DUPLICATE = "duplicate";
  public static final String DISCONNECTED = "disconnected";
  public static final String UNPAYABLE_AMOUNT = "unpayable_amount";

  /** Longest URL kept of a webhook; longer ones are clipped, and rejected. */
  static final int MAX_URL = 2048;

  private static final Pattern INVOICE_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");
  private static final Logger LOG = Logger.getLogger(CobotInvoices.class.getName());

  private final CobotStore store;
  private final CobotSettings settings;
  private final Runnable wakeJobs;

  public CobotInvoices(CobotStore store, CobotSettings settings, Runnable wakeJobs) {
    this.store = store;
    this.settings = settings;
    this.wakeJobs = wakeJobs;
  }

  /**
   * Records a {@code created_invoice} webhook posted to the tenant's callback URL. Fails with
   * {@link Refused} (not found) for an unknown callback key, (gone) once the space is disconnected,
   * and {@link InvalidInput} for a body that is not {@code {"url": "…"}}.
   */
  public Future<CobotStore.Received> receive(String hookKey, Buffer body) {
    String url = postedUrl(body);
    if (url == null || url.isBlank()) {
      return Future.failedFuture(
          new InvalidInput(
              List.of(
                  new InvalidInput.Problem(
                      "url", "the body must be a JSON object with the resource's 'url'"))));
    }
    String posted = url.length() > MAX_URL ? url.substring(0, MAX_URL) : url;
    return store
        .findByHookKey(hookKey)
        .compose(
            c -> {
              if (c == null) {
                return Future.failedFuture(
                    Refused.notFound("not_found", "no Cobot connection has this callback"));
              }
              String rejection =
                  posted.length() < url.length()
                      ? "the URL is longer than " + MAX_URL + " characters"
                      : invoiceIdIn(posted, c.subdomain()) == null
                          ? "the URL is not an invoice of "
                              + settings.spaceApi(c.subdomain())
                              + ", so it was not fetched"
                          : null;
              if (rejection != null) {
                LOG.warning(
                    () ->
                        "rejected a Cobot webhook of tenant "
                            + c.tenantId()
                            + " naming "
                            + posted
                            + ": "
                            + rejection);
              }
              return store
                  .receive(c.tenantId(), posted, rejection)
                  .onSuccess(
                      r -> {
                        if (r.fresh() && rejection == null) {
                          wakeJobs.run();
                        }
                      });
            });
  }

  private static String postedUrl(Buffer body) {
    try {
      Object value = new JsonObject(body).getValue("url");
      return value instanceof String s ? s : null;
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }

  /**
   * The invoice's id (or number) when {@code url} names an invoice under the space's API: same
   * scheme, host and port, the API's path followed by {@code /invoices/<id>}, no user info, query
   * or fragment; null for anything else.
   */
  String invoiceIdIn(String url, String subdomain) {
    try {
      URI given = new URI(url);
      URI base = new URI(settings.spaceApi(subdomain));
      if (given.getRawUserInfo() != null
          || given.getRawQuery() != null
          || given.getRawFragment() != null
          || given.getScheme() == null
          || !given.getScheme().equalsIgnoreCase(base.getScheme())
          || given.getHost() == null
          || !given.getHost().equalsIgnoreCase(base.getHost())
          || port(given) != port(base)) {
        return null;
      }
      String prefix = base.getRawPath() + "/invoices/";
      String path = given.getRawPath();
      if (path == null || !path.startsWith(prefix)) {
        return null;
      }
      String id = path.substring(prefix.length());
      return INVOICE_ID.matcher(id).matches() ? id : null;
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static int port(URI u) {
    if (u.getPort() != -1) {
      return u.getPort();
    }
    return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
  }

  /** The tenant's invoices, newest first, {@code limit} a page, after {@code after}. */
  public Future<Page<CobotInvoice, UUID>> list(UUID tenantId, int limit, UUID after) {
    return store
        .list(tenantId, limit + 1, after)
        .map(rows -> Page.of(rows, limit, CobotInvoice::id));
  }

  /** A page of the tenant's invoices, newest first, after or before the one the request names. */
  public Future<Page<CobotInvoice, UUID>> list(UUID tenantId, PageRequest<UUID> request) {
    return store
        .list(tenantId, request.limit() + 1, request.from(), request.backwards())
        .map(rows -> Page.of(rows, request, CobotInvoice::id));
  }

  /** The tenant's invoice; fails with {@link Refused} (not found) when there is none. */
  public Future<CobotInvoice> get(UUID tenantId, UUID id) {
    return store
        .invoice(tenantId, id)
        .compose(
            i ->
                i != null
                    ? Future.succeededFuture(i)
                    : Future.failedFuture(Refused.notFound("not_found", "no Cobot invoice " + id)));
  }

  /**
   * Charges a declined (or method-less) invoice again, after the member fixed their method: a new
   * run with a gateway key of its own, started only when no charge of the invoice succeeded or is
   * still under way. Fails with {@link Refused}: not found, or not re-runnable (409).
   */
  public Future<CobotInvoice> rerun(UUID tenantId, UUID id) {
    return store
        .rerun(tenantId, id)
        .compose(
            row -> {
              if (row != null) {
                wakeJobs.run();
                return Future.succeededFuture(row);
              }
              return get(tenantId, id)
                  .compose(
                      i ->
                          Future.failedFuture(
                              Refused.conflict(
                                  "not_rerunnable",
                                  "invoice "
                                      + (i.invoiceNumber() != null ? i.invoiceNumber() : i.url())
                                      + " is "
                                      + i.outcome()
                                      + "; only a declined invoice, or one skipped for want of a"
                                      + " payment method, is charged again, and never one that a"
                                      + " charge paid or may still pay")));
            });
  }
}
