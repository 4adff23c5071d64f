package io.paybridge.core.charge;

/**
 * What a tenant asks to charge: an amount in the currency's minor units from the method stored for
 * a customer, with a description the gateway may show.
 */
public record NewCharge(
    String customerRef, Long amountMinor, String currency, String description) {}
