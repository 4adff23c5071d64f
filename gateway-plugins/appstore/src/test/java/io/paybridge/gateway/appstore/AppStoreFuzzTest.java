package io.paybridge.gateway.appstore;

import io.paybridge.testkit.GatewayPluginTestKit;
import io.paybridge.testkit.PluginFuzzing;

/** AppStore's verify and parse under hostile deliveries ({@link PluginFuzzing}). */
class AppStoreFuzzTest extends PluginFuzzing {

  @Override
  protected GatewayPluginTestKit contract() {
    return new AppStorePluginTest();
  }
}
