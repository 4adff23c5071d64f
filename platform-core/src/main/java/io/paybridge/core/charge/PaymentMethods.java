package io.paybridge.core.charge;

import io.paybridge.core.gateway.GatewayAccountStore;
import io.paybridge.core.gateway.PluginRegistry;
import io.paybridge.core.usecase.Checks;
import io.paybridge.core.usecase.Refused;
import io.paybridge.spi.GatewayApiException;
import io.paybridge.spi.GatewayPlugin;
import io.paybridge.spi.StoredPaymentMethods;
import io.vertx.core.Future;
import java.util.UUID;

/**
 * What a tenant does with its customers' stored payment methods: attach a method the customer saved
 * at a gateway (checked with the gateway first: it exists and belongs to that customer), look at it
 * and remove it. The gateway's ids are sealed at rest and never shown again; only the brand and
 * last four digits are.
 */
public final class PaymentMethods {

  /** Longest customer reference, as for ledger entries. */
  public static final int MAX_REF = 255;

  private final ChargeStore store;
  private final GatewayAccountStore accounts;
  private final PluginRegistry plugins;

  public PaymentMethods(ChargeStore store, GatewayAccountStore accounts, PluginRegistry plugins) {
    this.store = store;
    this.accounts = accounts;
    this.plugins = plugins;
  }

  /**
   * Attaches the gateway's payment method to the customer, replacing any stored before. Fails with
   * {@link io.paybridge.core.usecase.InvalidInput} for malformed input, and {@link Refused} when
   * the gateway cannot store methods, the tenant has not connected it, or the gateway refuses the
   * method.
   */
  public Future<StoredMethod> attach(
      UUID tenantId, String customerRef, String gateway, String customer, String paymentMethod) {
    return new Checks()
        .require(Checks.lengthWithin(customerRef, 1, MAX_REF), "customerRef", refMessage())
        .require(Checks.lengthWithin(gateway, 1, 64), "gateway", "'gateway' is required")
        .require(Checks.lengthWithin(customer, 1, 255), "customer", "'customer' is required")
        .require(
            Checks.lengthWithin(paymentMethod, 1, 255),
            "paymentMethod",
            "'paymentMethod' is required")
        .verdict()
        .compose(v -> capability(gateway))
        .compose(
            capability ->
                accounts
                    .find(tenantId, gateway)
                    .compose(
                        account -> {
                          if (account == null) {
                            return Future.failedFuture(notConnected(gateway));
                          }
                          return capability
                              .describe(customer, paymentMethod, account.credentials())
                              .recover(PaymentMethods::refusedByGateway);
                        }))
        .compose(
            details ->
                store.saveMethod(
                    tenantId,
                    customerRef,
                    gateway,
                    customer,
                    paymentMethod,
                    details.brand(),
                    details.last4()));
  }

  /** The customer's stored method; fails with {@link Refused} (not found) when there is none. */
  public Future<StoredMethod> get(UUID tenantId, String customerRef) {
    return store
        .method(tenantId, customerRef)
        .compose(
            m ->
                m != null ? Future.succeededFuture(m) : Future.failedFuture(noMethod(customerRef)));
  }

  /** Removes the customer's stored method; fails with {@link Refused} when there is none. */
  public Future<Void> remove(UUID tenantId, String customerRef) {
    return store
        .removeMethod(tenantId, customerRef)
        .compose(
            removed ->
                removed
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(noMethod(customerRef)));
  }

  private Future<StoredPaymentMethods> capability(String gateway) {
    GatewayPlugin plugin = plugins.get(gateway);
    if (plugin == null) {
      return Future.failedFuture(
          Refused.unprocessable("unknown_gateway", "there is no gateway '" + gateway + "'"));
    }
    if (!(plugin instanceof StoredPaymentMethods capability)) {
      return Future.failedFuture(
          Refused.unprocessable(
              "unsupported_gateway",
              plugin.displayName() + " cannot charge stored payment methods"));
    }
    return Future.succeededFuture(capability);
  }

  /**
   * A refusal the gateway made final becomes the tenant's to fix (422); one it may take back later
   * (unreachable, 5xx) stays a failure the API answers as unavailable.
   */
  private static Future<StoredPaymentMethods.MethodDetails> refusedByGateway(Throwable err) {
    if (err instanceof GatewayApiException g && !g.retryable()) {
      return Future.failedFuture(Refused.unprocessable("payment_method_refused", g.getMessage()));
    }
    return Future.failedFuture(err);
  }

  static Refused notConnected(String gateway) {
    return Refused.unprocessable(
        "gateway_not_connected", "the tenant has not connected '" + gateway + "'");
  }

  static Refused noMethod(String customerRef) {
    return Refused.notFound(
        "no_payment_method", "customer '" + customerRef + "' has no stored payment method");
  }

  static String refMessage() {
    return "'customerRef' must be 1 to " + MAX_REF + " characters";
  }
}
