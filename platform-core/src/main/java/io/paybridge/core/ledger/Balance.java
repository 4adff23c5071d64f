package io.paybridge.core.ledger;

/** What a customer holds in one currency: the sum of its payments, charges and refunds. */
public record Balance(String currency, long amountMinor) {}
