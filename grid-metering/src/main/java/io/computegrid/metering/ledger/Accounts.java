package io.computegrid.metering.ledger;

/**
 * Ledger account names. A positive balance is money the account holds:
 * {@code tenant:T} (prepaid balance, may go down to minus its credit limit), {@code voucher:ID}
 * (what the voucher has left), {@code provider:P} (revenue earned, not yet settled),
 * {@code platform} (fees), {@code issuer:I} (goes negative by what it issued and got back on
 * expiry) and {@code external} (the world outside: top-ups come from it, settlements go to it).
 */
public final class Accounts {
    public static final String PLATFORM = "platform";
    public static final String EXTERNAL = "external";

    private Accounts() {
    }

    public static String tenant(String t) {
        return "tenant:" + t;
    }

    public static String voucher(long id) {
        return "voucher:" + id;
    }

    public static String provider(String p) {
        return "provider:" + p;
    }

    public static String issuer(String i) {
        return "issuer:" + i;
    }
}
