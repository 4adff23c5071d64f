package io.paybridge.gateway.paypal;

import io.paybridge.testkit.GatewayPluginTestKit;
import io.paybridge.testkit.PluginFuzzing;

/** PayPal's verify and parse under hostile deliveries ({@link PluginFuzzing}). */
class PayPalFuzzTest extends PluginFuzzing {

  @Override
  protected GatewayPluginTestKit contract() {
    return new PayPalPluginTest();
  }
}
