package io.paybridge.gateway.code;

import io.paybridge.testkit.GatewayPluginTestKit;
import io.paybridge.testkit.PluginFuzzing;

/** Code's verify and parse under hostile deliveries ({@link PluginFuzzing}). */
class CodeFuzzTest extends PluginFuzzing {

  @Override
  protected GatewayPluginTestKit contract() {
    return new CodePluginTest();
  }
}
