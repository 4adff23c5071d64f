package io.paybridge.gateway.razorpay;

import io.paybridge.testkit.GatewayPluginTestKit;
import io.paybridge.testkit.PluginFuzzing;

/** Razorpay's verify and parse under hostile deliveries ({@link PluginFuzzing}). */
class RazorpayFuzzTest extends PluginFuzzing {

  @Override
  protected GatewayPluginTestKit contract() {
    return new RazorpayPluginTest();
  }
}
