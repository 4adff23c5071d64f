package io.paybridge.gateway.stripe;

import io.paybridge.testkit.GatewayPluginTestKit;
import io.paybridge.testkit.PluginFuzzing;

/** Stripe's verify and parse under hostile deliveries ({@link PluginFuzzing}). */
class StripeFuzzTest extends PluginFuzzing {

  @Override
  protected GatewayPluginTestKit contract() {
    return new StripePluginTest();
  }
}
