package io.paybridge.gateway.googleplay;

import io.paybridge.testkit.GatewayPluginTestKit;
import io.paybridge.testkit.PluginFuzzing;

/** GooglePlay's verify and parse under hostile deliveries ({@link PluginFuzzing}). */
class GooglePlayFuzzTest extends PluginFuzzing {

  @Override
  protected GatewayPluginTestKit contract() {
    return new GooglePlayPluginTest();
  }

  /** Google Play's push is proven by the token beside the body; the API says what it is worth. */
  @Override
  protected boolean signatureCoversBody() {
    return false;
  }
}
