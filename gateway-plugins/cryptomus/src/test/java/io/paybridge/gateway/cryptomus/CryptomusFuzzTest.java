package io.paybridge.gateway.cryptomus;

import io.paybridge.testkit.GatewayPluginTestKit;
import io.paybridge.testkit.PluginFuzzing;

/** Cryptomus's verify and parse under hostile deliveries ({@link PluginFuzzing}). */
class CryptomusFuzzTest extends PluginFuzzing {

  @Override
  protected GatewayPluginTestKit contract() {
    return new CryptomusPluginTest();
  }
}
