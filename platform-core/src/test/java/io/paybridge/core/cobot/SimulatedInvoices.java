package io.paybridge.core.cobot;

import io.paybridge.testkit.RandomIds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A space's invoices and their payment records, in API 1's shape. Amounts are {@link BigDecimal}s
 * written with the currency's decimals. Not thread-safe: {@link CobotSimulator} guards it with its
 * own monitor.
 */
final class SimulatedInvoices {

  /** The first invoice number of a space. */
  static final int FIRST_NUMBER = 100;

  private static final class Invoice {
    final String id;
    final String subdomain;
    final int number;
    final String membershipId;
    final String addressName;
    final String currency;
    final BigDecimal total;
    final Instant createdAt = Instant.now();
    final String itemId = RandomIds.hex(32);
    final List<JsonObject> records = new ArrayList<>();
    boolean canceled;
    Instant paidAt;

    Invoice(
        String subdomain,
        int number,
        String membershipId,
        String addressName,
        String currency,
        BigDecimal total) {
      this.id = RandomIds.hex(32);
      this.subdomain = subdomain;
      this.number = number;
      this.membershipId = membershipId;
      this.addressName = addressName;
      this.currency = currency;
      this.total = total;
    }

    BigDecimal paid() {
      return records.stream()
          .map(r -> new BigDecimal(r.getString("amount")))
          .reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    String status() {
      return canceled ? "canceled" : paidAt != null ? "paid" : "unpaid";
    }
  }

  private final SimulatedUrls urls;
  private final Map<String, Invoice> invoices = new LinkedHashMap<>();
  private final Map<String, Integer> lastNumbers = new HashMap<>();

  SimulatedInvoices(SimulatedUrls urls) {
    this.urls = urls;
  }

  // ---- state

  /** Adds an unpaid invoice of one item; {@code number} {@code null} takes the space's next one. */
  JsonObject add(
      String subdomain,
      Integer number,
      String membershipId,
      String addressName,
      String currency,
      String totalAmount) {
    BigDecimal total = CobotFormat.parseAmount(totalAmount);
    if (total == null || total.signum() <= 0) {
      throw new IllegalArgumentException("not a positive decimal amount: " + totalAmount);
    }
    if (total.stripTrailingZeros().scale() > CobotFormat.decimals(currency)) {
      throw new IllegalArgumentException(totalAmount + " has more decimals than " + currency);
    }
    int last = lastNumbers.getOrDefault(subdomain, FIRST_NUMBER - 1);
    int taken = number == null ? last + 1 : number;
    if (invoices.values().stream()
        .anyMatch(i -> i.subdomain.equals(subdomain) && i.number == taken)) {
      throw new IllegalArgumentException("invoice number " + taken + " is taken in " + subdomain);
    }
    lastNumbers.put(subdomain, Math.max(last, taken));
    Invoice invoice = new Invoice(subdomain, taken, membershipId, addressName, currency, total);
    invoices.put(invoice.id, invoice);
    return json(invoice);
  }

  void delete(String subdomain, String invoiceId) {
    invoices.remove(require(subdomain, invoiceId).id);
  }

  void cancel(String subdomain, String invoiceId) {
    require(subdomain, invoiceId).canceled = true;
  }

  /** The invoice now, or {@code null}. */
  JsonObject invoice(String subdomain, String invoiceId) {
    Invoice invoice = invoices.get(invoiceId);
    return invoice == null || !invoice.subdomain.equals(subdomain) ? null : json(invoice);
  }

  /** The invoice's payment records, oldest first. */
  List<JsonObject> records(String subdomain, String invoiceId) {
    return require(subdomain, invoiceId).records.stream().map(JsonObject::copy).toList();
  }

  /** The invoice's API URL, what {@code created_invoice} webhooks carry. */
  String url(String subdomain, String invoiceId) {
    return urls.spaceApi(subdomain) + "/invoices/" + require(subdomain, invoiceId).id;
  }

  private Invoice require(String subdomain, String invoiceId) {
    Invoice invoice = invoices.get(invoiceId);
    if (invoice == null || !invoice.subdomain.equals(subdomain)) {
      throw new IllegalArgumentException("no invoice " + invoiceId + " in " + subdomain);
    }
    return invoice;
  }

  // ---- serving

  /** {@code GET /api/invoices/{id}}, by id or by invoice number; {@code 404 {}} for neither. */
  JsonObject get(String subdomain, String idOrNumber) {
    return json(find(subdomain, idOrNumber));
  }

  /** {@code GET /api/invoices[?ids=a,b][&from=yyyy-mm-dd&to=yyyy-mm-dd]}, oldest first. */
  JsonArray list(String subdomain, Map<String, String> query) {
    Set<String> ids = commaSeparated(query.get("ids"));
    LocalDate from = date(query.get("from"));
    LocalDate to = date(query.get("to"));
    JsonArray out = new JsonArray();
    for (Invoice invoice : invoices.values()) {
      LocalDate created = LocalDate.ofInstant(invoice.createdAt, ZoneOffset.UTC);
      if (invoice.subdomain.equals(subdomain)
          && (ids.isEmpty() || ids.contains(invoice.id))
          && (from == null || !created.isBefore(from))
          && (to == null || !created.isAfter(to))) {
        out.add(json(invoice));
      }
    }
    return out;
  }

  /**
   * {@code POST /api/invoices/{id}/payment_records}. Cobot documents the blank {@code paid_at}
   * refusal; the other refusals, over-payment among them, are the simulator's choice.
   */
  JsonObject addRecord(String subdomain, String invoiceId, JsonObject body) {
    Invoice invoice = find(subdomain, invoiceId);
    Object paidAtValue = body.getValue("paid_at");
    if (paidAtValue == null || paidAtValue.toString().isBlank()) {
      throw CobotRefusal.invalid("Paid at can't be blank");
    }
    LocalDate paidAt = date(paidAtValue.toString());
    if (paidAt == null) {
      throw CobotRefusal.invalid("Paid at is invalid");
    }
    Object amountValue = body.getValue("amount");
    if (amountValue == null || amountValue.toString().isBlank()) {
      throw CobotRefusal.invalid("Amount can't be blank");
    }
    BigDecimal amount = CobotFormat.parseAmount(amountValue);
    if (amount == null) {
      throw CobotRefusal.invalid("Amount is not a number");
    }
    if (amount.signum() <= 0) {
      throw CobotRefusal.invalid("Amount must be greater than 0");
    }
    if (amount.stripTrailingZeros().scale() > CobotFormat.decimals(invoice.currency)) {
      throw CobotRefusal.invalid("Amount has more decimals than " + invoice.currency + " has");
    }
    if (invoice.canceled) {
      throw CobotRefusal.invalid("Invoice is canceled");
    }
    if (amount.compareTo(invoice.total.subtract(invoice.paid())) > 0) {
      throw CobotRefusal.invalid("Amount exceeds the payable amount");
    }
    JsonObject record =
        new JsonObject()
            .put("id", RandomIds.hex(16))
            .put("invoice_id", invoice.id)
            .put("note", body.getValue("note") == null ? null : body.getValue("note").toString())
            .put("paid_at", paidAt.toString())
            .put("amount", CobotFormat.amount(amount, invoice.currency))
            .put("currency", invoice.currency)
            .put("payment_method", paymentMethod(body.getValue("payment_method")));
    invoice.records.add(record);
    if (invoice.paid().compareTo(invoice.total) == 0) {
      invoice.paidAt = paidAt.atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return record.copy();
  }

  /** {@code DELETE /api/invoices/{id}/payment_records/{record}}: the invoice is unpaid again. */
  void deleteRecord(String subdomain, String invoiceId, String recordId) {
    Invoice invoice = find(subdomain, invoiceId);
    if (!invoice.records.removeIf(r -> r.getString("id").equals(recordId))) {
      throw CobotRefusal.notFound();
    }
    invoice.paidAt = null;
  }

  /** {@code GET /api/invoices/payment_records?invoice_ids=a,b}: their records, oldest first. */
  JsonArray records(String subdomain, Map<String, String> query) {
    Set<String> ids = commaSeparated(query.get("invoice_ids"));
    LocalDate from = date(query.get("from"));
    LocalDate to = date(query.get("to"));
    JsonArray out = new JsonArray();
    for (Invoice invoice : invoices.values()) {
      if (invoice.subdomain.equals(subdomain) && (ids.isEmpty() || ids.contains(invoice.id))) {
        for (JsonObject record : invoice.records) {
          LocalDate paidAt = LocalDate.parse(record.getString("paid_at"));
          if ((from == null || !paidAt.isBefore(from)) && (to == null || !paidAt.isAfter(to))) {
            out.add(record.copy());
          }
        }
      }
    }
    return out;
  }

  private Invoice find(String subdomain, String idOrNumber) {
    Invoice invoice = invoices.get(idOrNumber);
    if (invoice == null) {
      invoice =
          invoices.values().stream()
              .filter(i -> String.valueOf(i.number).equals(idOrNumber))
              .filter(i -> i.subdomain.equals(subdomain))
              .findFirst()
              .orElse(null);
    }
    if (invoice == null || !invoice.subdomain.equals(subdomain)) {
      throw CobotRefusal.notFound();
    }
    return invoice;
  }

  private JsonObject json(Invoice invoice) {
    BigDecimal paid = invoice.paid();
    String total = CobotFormat.amount(invoice.total, invoice.currency);
    String zero = CobotFormat.amount(BigDecimal.ZERO, invoice.currency);
    String payable =
        invoice.canceled
            ? zero
            : CobotFormat.amount(invoice.total.subtract(paid), invoice.currency);
    JsonObject item =
        new JsonObject()
            .put("id", invoice.itemId)
            .put("paid", invoice.paidAt != null)
            .put("amount", total)
            .put("description", "Membership")
            .put("quantity", "1.0")
            .put("tax_rate", "0.0")
            .put("tax_amount", zero)
            .put("amount_with_tax", total)
            .put("total_amount", total)
            .put("total_amount_with_tax", total)
            .put("total_tax_amount", zero)
            .put("accounting_code", null)
            .put("cost_center", null)
            .put("membership_id", invoice.membershipId);
    return new JsonObject()
        .put("id", invoice.id)
        .put("url", urls.spaceApi(invoice.subdomain) + "/invoices/" + invoice.id)
        .put("invoice_number", invoice.number)
        .put("formatted_invoice_number", String.valueOf(invoice.number))
        .put("membership_id", invoice.membershipId)
        .put("currency", invoice.currency)
        .put("total_amount", total)
        .put("payable_amount", payable)
        .put("paid_amount", CobotFormat.amount(paid, invoice.currency))
        .put("paid_status", invoice.status())
        .put("paid_at", CobotFormat.time(invoice.paidAt))
        .put("created_at", CobotFormat.date(invoice.createdAt))
        .put("charge_at", CobotFormat.time(invoice.createdAt))
        .put("due_date", CobotFormat.date(invoice.createdAt))
        .put(
            "address",
            new JsonObject()
                .put("name", invoice.addressName)
                .put("full_address", null)
                .put("company", null)
                .put("country", null))
        .put("invoice_text", null)
        .put("tax_name", null)
        .put("items", new JsonArray().add(item));
  }

  /** A payment method by name (its id then {@code null}) or by id (its name unknown here). */
  private static JsonObject paymentMethod(Object value) {
    if (!(value instanceof JsonObject method)) {
      return null;
    }
    Object id = method.getValue("id");
    Object name = method.getValue("name");
    return new JsonObject()
        .put("id", id == null ? null : id.toString())
        .put("name", name == null ? null : name.toString());
  }

  private static Set<String> commaSeparated(String text) {
    if (text == null || text.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(text.split(","))
        .map(String::strip)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toSet());
  }

  /** A date given as {@code 2026-12-07} or as an ISO timestamp; {@code null} for neither. */
  private static LocalDate date(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    try {
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(text.strip())
            .withOffsetSameInstant(ZoneOffset.UTC)
            .toLocalDate();
      } catch (DateTimeParseException again) {
        return null;
      }
    }
  }
}
