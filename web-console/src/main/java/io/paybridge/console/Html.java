package io.paybridge.console;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Currency;
import java.util.Locale;

/**
 * The console's tiny template kit: escaping, the page frame and a few formatters. Every value that
 * did not come from this class goes through {@link #esc} before it reaches the page.
 */
final class Html {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT);

  private Html() {}

  /** Text or attribute value escaped for HTML; {@code null} becomes an empty string. */
  static String esc(Object value) {
    if (value == null) {
      return "";
    }
    String s = value.toString();
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** A query-string component. */
  static String url(String value) {
    return java.net.URLEncoder.encode(
        value == null ? "" : value, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The hidden field every form carries. */
  static String csrf(String token) {
    return "<input type=\"hidden\" name=\"_csrf\" value=\"" + esc(token) + "\">";
  }

  /** A minor-unit amount in its currency, e.g. {@code 42.00 USD}. */
  static String money(Long minor, String currency) {
    if (minor == null) {
      return "—";
    }
    if (currency == null) {
      return minor.toString();
    }
    int digits = 2;
    try {
      digits =
          Math.max(
              0,
              Currency.getInstance(currency.toUpperCase(Locale.ROOT)).getDefaultFractionDigits());
    } catch (IllegalArgumentException e) {
      // Not an ISO 4217 code (a token such as KIN): show the minor units as they are.
      return esc(minor + " " + currency);
    }
    return esc(
        BigDecimal.valueOf(minor, digits).toPlainString()
            + " "
            + currency.toUpperCase(Locale.ROOT));
  }

  static String time(String iso) {
    if (iso == null) {
      return "—";
    }
    try {
      return esc(TIME.format(java.time.Instant.parse(iso).atOffset(ZoneOffset.UTC)));
    } catch (java.time.format.DateTimeParseException e) {
      return esc(iso);
    }
  }

  static String time(OffsetDateTime t) {
    return t == null ? "—" : esc(TIME.format(t.withOffsetSameInstant(ZoneOffset.UTC)));
  }

  /** An option of a select, escaped. */
  static String option(String value, String label, boolean selected) {
    return "<option value=\""
        + esc(value)
        + "\""
        + (selected ? " selected" : "")
        + ">"
        + esc(label)
        + "</option>";
  }

  /** A coloured label. */
  static String badge(String tone, String text) {
    return "<span class=\"badge badge-" + esc(tone) + "\">" + esc(text) + "</span>";
  }

  /** An empty state: a title, a sentence and optionally an action (already HTML). */
  static String empty(String title, String text, String actionHtml) {
    return """
        <div class="empty"><h3>%s</h3><p>%s</p>%s</div>"""
        .formatted(esc(title), esc(text), actionHtml == null ? "" : actionHtml);
  }

  static String alert(String tone, String text) {
    return "<div class=\"alert alert-" + esc(tone) + "\" role=\"alert\">" + esc(text) + "</div>";
  }

  /** The frame of a signed-in page. */
  static String page(String title, String active, Session who, String body) {
    StringBuilder nav = new StringBuilder();
    String[][] items = {
      {"dashboard", "Dashboard"},
      {"gateways", "Gateways"},
      {"payments", "Payments"},
      {"subscriptions", "Subscriptions"},
      {"webhooks", "Webhooks"},
      {"sync", "Sync"},
      {"api-clients", "API clients"}
    };
    for (String[] item : items) {
      nav.append("<a href=\"/console/")
          .append(item[0])
          .append("\"")
          .append(item[0].equals(active) ? " class=\"active\" aria-current=\"page\"" : "")
          .append(">")
          .append(item[1])
          .append("</a>");
    }
    String header =
        """
        <header class="topbar">
          <a class="brand" href="/console/dashboard"><span class="logo">P</span>Paybridge</a>
          <nav class="nav">%s</nav>
          <div class="who"><span class="tenant" title="%s">%s</span>
            <form method="post" action="/console/logout">%s<button class="link" type="submit">Log out</button></form>
          </div>
        </header>"""
            .formatted(nav, esc(who.email()), esc(who.tenantName()), csrf(who.csrf()));
    return document(
        title, header + "<main class=\"main\"><h1>" + esc(title) + "</h1>" + body + "</main>");
  }

  /** The frame of a signed-out page (login, sign up, errors). */
  static String plainPage(String title, String body) {
    return document(
        title,
        """
        <main class="auth"><a class="brand brand-lg" href="/console"><span class="logo">P</span>Paybridge</a>
        <div class="card auth-card">%s</div></main>"""
            .formatted(body));
  }

  private static String document(String title, String body) {
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>%s · Paybridge</title>
        <link rel="stylesheet" href="/console/assets/console.css">
        <script src="/console/assets/console.js" defer></script>
        </head><body>%s</body></html>
        """
        .formatted(esc(title), body);
  }

  /** Who is signed in, as the page frame needs it. */
  record Session(String tenantName, String email, String csrf) {}
}
