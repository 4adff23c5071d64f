package io.paybridge.gateway.payeer;

import io.paybridge.testkit.GatewayPluginTestKit;
import io.paybridge.testkit.PluginFuzzing;

/** Payeer's verify and parse under hostile deliveries ({@link PluginFuzzing}). */
class PayeerFuzzTest extends PluginFuzzing {

  @Override
  protected GatewayPluginTestKit contract() {
    return new PayeerPluginTest();
  }
}
