package io.paybridge.core.cobot;

import io.paybridge.core.charge.Charge;
import io.paybridge.core.charge.ChargeStore;
import io.paybridge.core.charge.Charges;
import io.paybridge.core.charge.NewCharge;
import io.paybridge.core.job.Job;
import io.paybridge.core.job.JobHandler;
import io.paybridge.core.job.JobResult;
import io.paybridge.core.usecase.Refused;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Takes one {@code created_invoice} webhook from the invoice to the payment record: fetch the
 * invoice from the space's API; skip it when it is gone (404), has nothing left to pay, belongs to
 * no membership, or its member stored no payment method (telling the member on their Cobot
 * timeline); otherwise charge the member's stored method through {@link Charges}, keyed by the
 * invoice (and the run), and record the payment on the invoice, or tell the member of a decline.
 *
 * <p>Network errors and 5xx from Cobot or the gateway make the job try again with backoff; a charge
 * the gateway left open is asked again under the same key. A retry never charges twice (the
 * charge's key) and never records twice (the invoice's payment records are read first, and one
 * naming the charge is the one). Every write is fenced by the job's claim.
 */
public final class CobotInvoiceJob implements JobHandler {

  private static final Logger LOG = Logger.getLogger(CobotInvoiceJob.class.getName());
  private static final Set<String> SETTLED =
      Set.of(
          CobotInvoice.CHARGED, CobotInvoice.SKIPPED, CobotInvoice.DECLINED, CobotInvoice.REJECTED);
  private static final Set<String> NOTHING_DUE = Set.of("paid", "canceled", "written_off");

  /** What the invoice says, as fetched (or as its row kept it from the run's fetch). */
  private record Bill(
      String invoiceId, String number, String membershipId, Long amountMinor, String currency) {
    String shown() {
      return number != null ? number : invoiceId;
    }
  }

  private final CobotStore store;
  private final CobotAccess access;
  private final CobotInvoices invoices;
  private final ChargeStore chargeStore;
  private final Charges charges;

  public CobotInvoiceJob(
      CobotStore store,
      CobotAccess access,
      CobotInvoices invoices,
      ChargeStore chargeStore,
      Charges charges) {
    this.store = store;
    this.access = access;
    this.invoices = invoices;
    this.chargeStore = chargeStore;
    this.charges = charges;
  }

  @Override
  public Future<JobResult> handle(Job job) {
    UUID id = UUID.fromString(job.payload().getString("invoice"));
    return store
        .work(id)
        .compose(
            work -> {
              if (work == null || SETTLED.contains(work.invoice().outcome())) {
                return Future.succeededFuture(JobResult.done());
              }
              return store
                  .find(work.tenantId())
                  .compose(
                      c -> {
                        if (c == null) {
                          return settle(
                              job,
                              id,
                              CobotInvoice.SKIPPED,
                              CobotInvoices.DISCONNECTED,
                              "Cobot was disconnected before the invoice was charged");
                        }
                        if (!c.connected()) {
                          return waitForAuthorization(job, id, CobotStore.CONNECTED_AGAIN);
                        }
                        return run(job, work, c);
                      });
            })
        .recover(err -> failed(job, id, err));
  }

  private Future<JobResult> run(Job job, CobotStore.Work work, CobotIntegration c) {
    CobotInvoice row = work.invoice();
    if (row.chargeId() != null) {
      // This run charged already: carry on from the charge as it stands.
      Bill bill =
          new Bill(
              row.invoiceId(),
              row.invoiceNumber(),
              row.membershipId(),
              row.amountMinor(),
              row.currency());
      return charges
          .get(work.tenantId(), row.chargeId())
          .compose(charge -> afterCharge(job, work, c, bill, charge));
    }
    String ref =
        row.invoiceId() != null ? row.invoiceId() : invoices.invoiceIdIn(row.url(), c.subdomain());
    if (ref == null) {
      return settle(
          job,
          row.id(),
          CobotInvoice.SKIPPED,
          CobotInvoices.FOREIGN_URL,
          "the URL is not an invoice of the connected space");
    }
    String api = access.api().settings().spaceApi(c.subdomain());
    return access
        .withToken(
            c, token -> access.api().object(HttpMethod.GET, api + "/invoices/" + ref, token, null))
        .compose(
            json -> fetched(job, work, c, json),
            err ->
                err instanceof CobotException e && e.notFound()
                    ? settle(
                        job,
                        row.id(),
                        CobotInvoice.SKIPPED,
                        CobotInvoices.DELETED,
                        "the invoice was deleted at Cobot")
                    : Future.failedFuture(err));
  }

  private Future<JobResult> fetched(
      Job job, CobotStore.Work work, CobotIntegration c, JsonObject json) {
    UUID id = work.invoice().id();
    String invoiceId = text(json, "id");
    if (invoiceId == null) {
      return Future.failedFuture(
          new CobotException("Cobot's invoice has no id", 502, json.encode()));
    }
    String currency = text(json, "currency");
    String payable = text(json, "payable_amount");
    Long minor = CobotAmounts.toMinor(payable, currency);
    String number = text(json, "formatted_invoice_number");
    Bill bill =
        new Bill(
            invoiceId,
            number != null ? number : text(json, "invoice_number"),
            text(json, "membership_id"),
            minor,
            currency);
    return store
        .fetched(job, id, invoiceId, bill.number(), bill.membershipId(), minor, currency)
        .compose(
            write -> {
              if (write == CobotStore.Write.CLAIM_LOST) {
                return lost(job);
              }
              if (write == CobotStore.Write.DUPLICATE) {
                return settle(
                    job,
                    id,
                    CobotInvoice.SKIPPED,
                    CobotInvoices.DUPLICATE,
                    "another webhook named the same invoice " + invoiceId);
              }
              String status = text(json, "paid_status");
              if ((status != null && NOTHING_DUE.contains(status))
                  || (minor != null && minor == 0)) {
                return settle(
                    job,
                    id,
                    CobotInvoice.SKIPPED,
                    CobotInvoices.NOTHING_TO_PAY,
                    "nothing is left to pay"
                        + (status != null ? " (the invoice is " + status + ")" : ""));
              }
              if (bill.membershipId() == null) {
                return settle(
                    job,
                    id,
                    CobotInvoice.SKIPPED,
                    CobotInvoices.NO_MEMBERSHIP,
                    "the invoice belongs to no membership, so there is no member's card to charge");
              }
              if (minor == null) {
                return settle(
                    job,
                    id,
                    CobotInvoice.SKIPPED,
                    CobotInvoices.UNPAYABLE_AMOUNT,
                    "the payable amount '" + payable + "' " + currency + " cannot be charged");
              }
              return chargeStore
                  .method(work.tenantId(), bill.membershipId())
                  .compose(
                      method ->
                          method == null
                              ? noMethod(job, work, c, bill)
                              : charge(job, work, c, bill));
            });
  }

  private Future<JobResult> charge(Job job, CobotStore.Work work, CobotIntegration c, Bill bill) {
    int runs = work.invoice().runs();
    String key = "cobot-invoice:" + bill.invoiceId() + (runs > 0 ? ":run-" + runs : "");
    return charges
        .create(
            work.tenantId(),
            key,
            new NewCharge(
                bill.membershipId(),
                bill.amountMinor(),
                bill.currency(),
                "Cobot invoice " + bill.shown()))
        .compose(
            charge ->
                store
                    .charging(job, work.invoice().id(), charge.id())
                    .compose(
                        write ->
                            write == CobotStore.Write.CLAIM_LOST
                                ? lost(job)
                                : afterCharge(job, work, c, bill, charge)),
            err ->
                err instanceof Refused r && "no_payment_method".equals(r.code())
                    ? noMethod(job, work, c, bill)
                    : Future.failedFuture(err));
  }

  private Future<JobResult> afterCharge(
      Job job, CobotStore.Work work, CobotIntegration c, Bill bill, Charge charge) {
    UUID id = work.invoice().id();
    return switch (charge.status()) {
      case Charge.SUCCEEDED -> record(job, id, c, bill, charge);
      case Charge.FAILED ->
          tell(
                  job,
                  work,
                  c,
                  bill,
                  "ERROR",
                  "Paybridge could not charge invoice "
                      + bill.shown()
                      + " ("
                      + amount(bill)
                      + "): "
                      + (charge.failureMessage() != null
                          ? charge.failureMessage()
                          : "the payment was declined")
                      + " Please update your card under \u201c"
                      + CobotConnections.LINK_LABEL
                      + "\u201d.")
              .compose(
                  v ->
                      settle(
                          job,
                          id,
                          CobotInvoice.DECLINED,
                          charge.failureCode(),
                          charge.failureMessage() != null
                              ? charge.failureMessage()
                              : "the payment was declined"));
      default ->
          store
              .outcome(
                  job,
                  id,
                  CobotInvoice.RETRYING,
                  null,
                  "the payment is still processing at " + charge.gateway())
              .map(w -> JobResult.retry("charge " + charge.id() + " is pending"));
    };
  }

  /** Records the payment on the invoice, unless a record naming this charge is there already. */
  private Future<JobResult> record(Job job, UUID id, CobotIntegration c, Bill bill, Charge charge) {
    String api = access.api().settings().spaceApi(c.subdomain());
    String mark = "Paybridge charge " + charge.id();
    return access
        .withToken(
            c,
            token ->
                access
                    .api()
                    .array(api + "/invoices/payment_records?invoice_ids=" + bill.invoiceId(), token)
                    .compose(
                        records -> {
                          String existing = recordNaming(records, mark);
                          if (existing != null) {
                            return Future.succeededFuture(existing);
                          }
                          JsonObject body =
                              new JsonObject()
                                  .put(
                                      "amount",
                                      CobotAmounts.toDecimal(
                                          charge.amountMinor(), charge.currency()))
                                  .put(
                                      "paid_at",
                                      charge
                                          .updatedAt()
                                          .atZoneSameInstant(ZoneOffset.UTC)
                                          .format(DateTimeFormatter.ISO_LOCAL_DATE))
                                  .put(
                                      "note",
                                      mark
                                          + ", "
                                          + charge.gateway()
                                          + " payment "
                                          + charge.gatewayPaymentId());
                          return access
                              .api()
                              .object(
                                  HttpMethod.POST,
                                  api + "/invoices/" + bill.invoiceId() + "/payment_records",
                                  token,
                                  body)
                              .map(created -> text(created, "id"));
                        }))
        .compose(
            recordId -> store.recorded(job, id, recordId, null).map(w -> JobResult.done()),
            err -> {
              if (err instanceof CobotException e && e.status() == 422) {
                LOG.warning(
                    () -> "charge " + charge.id() + " paid, but Cobot refused its record: " + e);
                return settle(
                    job,
                    id,
                    CobotInvoice.CHARGED,
                    "payment_record_refused",
                    "charged, but Cobot refused the payment record ("
                        + e.body()
                        + "); record it on the invoice by hand");
              }
              return Future.failedFuture(err);
            });
  }

  private Future<JobResult> noMethod(Job job, CobotStore.Work work, CobotIntegration c, Bill bill) {
    return tell(
            job,
            work,
            c,
            bill,
            "WARN",
            "Invoice "
                + bill.shown()
                + " ("
                + amount(bill)
                + ") was not charged: no card is stored for your membership. Add one under \u201c"
                + CobotConnections.LINK_LABEL
                + "\u201d.")
        .compose(
            v ->
                settle(
                    job,
                    work.invoice().id(),
                    CobotInvoice.SKIPPED,
                    CobotInvoices.NO_PAYMENT_METHOD,
                    "the member has no stored payment method; they were told on their Cobot"
                        + " timeline"));
  }

  /** Posts an activity to the member's (and the admins') timeline, once per run. */
  private Future<Void> tell(
      Job job, CobotStore.Work work, CobotIntegration c, Bill bill, String level, String text) {
    if (work.activityPosted()) {
      return Future.succeededFuture();
    }
    String api = access.api().settings().spaceApi(c.subdomain());
    JsonObject activity =
        new JsonObject()
            .put("text", text)
            .put("level", level)
            .put("channels", new JsonArray().add("admin").add("membership"))
            .put("source_ids", new JsonArray().add(bill.membershipId()));
    return access
        .withToken(
            c, token -> access.api().object(HttpMethod.POST, api + "/activities", token, activity))
        .compose(posted -> store.activityPosted(job, work.invoice().id()))
        .mapEmpty();
  }

  /**
   * Parks the job until a space admin connects Cobot again; {@code wakeIf} also makes it due at
   * once if that has happened meanwhile ({@code null}: only the reconnect's wake-up does, as after
   * a refusal by Cobot while the integration still reads connected, which would otherwise be tried
   * again at once and refused again).
   */
  private Future<JobResult> waitForAuthorization(Job job, UUID id, String wakeIf) {
    String why = "Cobot no longer accepts Paybridge's access; a space admin must connect it again";
    return store
        .outcome(job, id, CobotInvoice.RETRYING, null, why)
        .map(w -> new JobResult.Parked(why, wakeIf));
  }

  private Future<JobResult> failed(Job job, UUID id, Throwable err) {
    if (err instanceof CobotException e && (e.unauthorized() || e.status() == 403)) {
      return waitForAuthorization(job, id, null);
    }
    String why = String.valueOf(err.getMessage());
    return store
        .outcome(job, id, CobotInvoice.RETRYING, null, why)
        .map(w -> JobResult.retry(why))
        .otherwise(JobResult.retry(why));
  }

  private Future<JobResult> settle(
      Job job, UUID id, String outcome, String reasonCode, String reason) {
    return store
        .outcome(job, id, outcome, reasonCode, reason)
        .compose(
            w ->
                w == CobotStore.Write.CLAIM_LOST
                    ? lost(job)
                    : Future.succeededFuture(JobResult.done()));
  }

  private static Future<JobResult> lost(Job job) {
    return Future.succeededFuture(JobResult.retry("job " + job.id() + " lost its claim"));
  }

  private static String recordNaming(JsonArray records, String mark) {
    for (Object o : records) {
      if (o instanceof JsonObject r
          && r.getString("note") != null
          && r.getString("note").contains(mark)) {
        return text(r, "id");
      }
    }
    return null;
  }

  private static String amount(Bill bill) {
    return bill.amountMinor() == null
        ? "?"
        : bill.currency() + " " + CobotAmounts.toDecimal(bill.amountMinor(), bill.currency());
  }

  /** A field as text, whether Cobot sent it as a string or a number; null when absent. */
  private static String text(JsonObject json, String field) {
    Object v = json.getValue(field);
    return v == null ? null : v.toString();
  }
}
