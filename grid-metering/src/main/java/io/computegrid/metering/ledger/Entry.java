package io.computegrid.metering.ledger;

import java.math.BigDecimal;

/** One line of a ledger transaction: a signed amount on one account (+ the account gains). */
public record Entry(String account, BigDecimal amount) {
}
