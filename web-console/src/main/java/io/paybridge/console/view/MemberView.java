package io.paybridge.console.view;

import java.util.Locale;

/**
 * {@code GET /cobot/member/{token}}: a member signed in through Cobot, the card stored for their
 * membership ({@code brand} and {@code last4} are {@code null} when none is), and whether one was
 * just saved. {@code token} is the member's session, the last segment of the page's URL.
 */
public record MemberView(
    String token, String memberName, boolean stored, String brand, String last4, boolean saved) {

  /** The stored card as the member recognises it, {@code Visa •••• 4242}; {@code null} if none. */
  public String card() {
    if (!stored) {
      return null;
    }
    String name = brandName(brand);
    return last4 == null ? name : name + " \u2022\u2022\u2022\u2022 " + last4;
  }

  /** Where the member adds or replaces the card. */
  public String cardHref() {
    return "/cobot/member/" + Format.url(token) + "/card";
  }

  /** A card brand as Stripe names it ({@code visa}, {@code amex}) as people write it. */
  public static String brandName(String brand) {
    if (brand == null || brand.isBlank()) {
      return "Card";
    }
    return switch (brand.toLowerCase(Locale.ROOT)) {
      case "visa" -> "Visa";
      case "mastercard" -> "Mastercard";
      case "amex", "american_express" -> "American Express";
      case "discover" -> "Discover";
      case "diners", "diners_club" -> "Diners Club";
      case "jcb" -> "JCB";
      case "unionpay" -> "UnionPay";
      case "cartes_bancaires" -> "Cartes Bancaires";
      case "unknown" -> "Card";
      default -> Character.toUpperCase(brand.charAt(0)) + brand.substring(1);
    };
  }
}
