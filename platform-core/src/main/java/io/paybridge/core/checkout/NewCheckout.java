package io.paybridge.core.checkout;

/**
 * What a tenant's app backend asks to start: an amount in the currency's minor units for one of its
 * customers at one gateway, with a description the gateway may show and where the gateway sends the
 * customer back.
 */
public record NewCheckout(
    String gateway,
    String customerRef,
    Long amountMinor,
    String currency,
    String description,
    String returnUrl) {}
