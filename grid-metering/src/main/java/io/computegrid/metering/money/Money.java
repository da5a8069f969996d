package io.computegrid.metering.money;

import io.computegrid.metering.MeteringException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/**
 * Exact money. Amounts are {@link BigDecimal}s at the currency's minor unit (2 places for CNY);
 * unit prices carry up to {@link #PRICE_SCALE} places. The one rounding rule: an exact rational
 * amount is rounded <b>half-even</b> to the minor unit, once per usage record (its cost), once per
 * voucher share and once per platform fee. Floating point never touches an amount.
 */
public final class Money {
    public static final int PRICE_SCALE = 6;
    public static final RoundingMode ROUNDING = RoundingMode.HALF_EVEN;
    /** Amounts above this are refused as input (a typo guard, far above any real top-up). */
    public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000000");

    private final String currency;
    private final int minorDigits;

    public Money(String currency) {
        if (currency == null || !currency.matches("[A-Z]{3}")) {
            throw MeteringException.invalid("currency must be a three-letter ISO 4217 code such as CNY");
        }
        this.currency = currency;
        int digits;
        try {
            digits = Currency.getInstance(currency).getDefaultFractionDigits();
        } catch (IllegalArgumentException e) {
            digits = 2;
        }
        this.minorDigits = digits < 0 ? 2 : digits;
    }

    public String currency() {
        return currency;
    }

    public int minorDigits() {
        return minorDigits;
    }

    /** Rounds an exact amount half-even to the minor unit. */
    public BigDecimal round(BigDecimal exact) {
        return exact.setScale(minorDigits, ROUNDING);
    }

    /** The amount at the minor unit scale; refuses amounts that would need rounding. */
    public BigDecimal exact(BigDecimal amount, String field) {
        BigDecimal s = amount.stripTrailingZeros();
        if (s.scale() > minorDigits) {
            throw MeteringException.invalid(field + ": " + amount.toPlainString() + " has more than " + minorDigits
                    + " decimal places for " + currency);
        }
        return amount.setScale(minorDigits, ROUNDING);
    }

    /** numerator / denominator rounded half-even to the minor unit: exact, whatever the fraction. */
    public BigDecimal divide(BigDecimal numerator, BigDecimal denominator) {
        return numerator.divide(denominator, minorDigits, ROUNDING);
    }

    public BigDecimal zero() {
        return BigDecimal.ZERO.setScale(minorDigits);
    }

    /** Normalises a value read back from the database (stored at a wider scale). */
    public BigDecimal of(BigDecimal stored) {
        return stored == null ? zero() : stored.setScale(minorDigits, ROUNDING);
    }

    /** Parses a positive amount given by a user, e.g. a top-up. */
    public BigDecimal parsePositive(String text, String field) {
        BigDecimal d = parse(text, field);
        if (d.signum() <= 0) {
            throw MeteringException.invalid(field + ": must be positive (got " + d.toPlainString() + ")");
        }
        return d;
    }

    public BigDecimal parse(String text, String field) {
        if (text == null || text.isBlank()) {
            throw MeteringException.invalid(field + ": is required");
        }
        BigDecimal d;
        try {
            String t = text.trim();
            if (t.length() > 40) {
                throw new NumberFormatException();
            }
            d = new BigDecimal(t);
        } catch (NumberFormatException e) {
            throw MeteringException.invalid(field + ": '" + clip(text) + "' is not a number");
        }
        return checkRange(d, field);
    }

    public BigDecimal checkRange(BigDecimal d, String field) {
        if (d.abs().compareTo(MAX_AMOUNT) > 0) {
            throw MeteringException.invalid(field + ": must be at most " + MAX_AMOUNT.toPlainString());
        }
        return exact(d, field);
    }

    /** Prices: non-negative, at most {@link #PRICE_SCALE} decimal places. */
    public static BigDecimal price(BigDecimal p, String field) {
        if (p == null) {
            return null;
        }
        if (p.signum() < 0) {
            throw MeteringException.invalid(field + ": a price must not be negative (got " + p.toPlainString() + ")");
        }
        if (p.compareTo(MAX_AMOUNT) > 0) {
            throw MeteringException.invalid(field + ": must be at most " + MAX_AMOUNT.toPlainString());
        }
        if (p.stripTrailingZeros().scale() > PRICE_SCALE) {
            throw MeteringException.invalid(field + ": at most " + PRICE_SCALE + " decimal places");
        }
        return p.setScale(PRICE_SCALE, ROUNDING);
    }

    static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
