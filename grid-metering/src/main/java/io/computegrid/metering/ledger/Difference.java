package io.computegrid.metering.ledger;

/** One thing the ledger check found wrong: what was checked, on what, what it should be and what it is. */
public record Difference(String check, String subject, String expected, String actual) {
    @Override
    public String toString() {
        return check + " " + subject + ": expected " + expected + ", found " + actual;
    }
}
