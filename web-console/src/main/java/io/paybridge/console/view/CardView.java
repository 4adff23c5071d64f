package io.paybridge.console.view;

/**
 * {@code GET /cobot/member/{token}/card}: what the gateway's card form needs in the member's
 * browser. The card goes from the browser to the gateway; the page only carries the setup's client
 * secret, which is that member's alone.
 *
 * @param scriptUrl the gateway's script (Stripe.js)
 * @param publishableKey the key the script is initialised with
 * @param clientSecret what the script confirms the setup with
 */
public record CardView(String token, String scriptUrl, String publishableKey, String clientSecret) {

  /** Where the browser goes once the gateway confirmed the card, with {@code ?setup_intent=…}. */
  public String returnUrl() {
    return memberHref() + "/card/done";
  }

  /** The member's page. */
  public String memberHref() {
    return "/cobot/member/" + Format.url(token);
  }
}
