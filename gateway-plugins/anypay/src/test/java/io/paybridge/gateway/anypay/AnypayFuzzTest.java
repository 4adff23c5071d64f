package io.paybridge.gateway.anypay;

import io.paybridge.testkit.GatewayPluginTestKit;
import io.paybridge.testkit.PluginFuzzing;

/** Anypay's verify and parse under hostile deliveries ({@link PluginFuzzing}). */
class AnypayFuzzTest extends PluginFuzzing {

  @Override
  protected GatewayPluginTestKit contract() {
    return new AnypayPluginTest();
  }
}
