package io.computegrid.server.stats;

import io.computegrid.metering.money.Money;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Exact per-bucket sums of money and hours (the stats never turn an amount into a double). */
final class Decimals {
    private Decimals() {
    }

    static BigDecimal[] zeros(int n) {
        BigDecimal[] a = new BigDecimal[n];
        Arrays.fill(a, BigDecimal.ZERO);
        return a;
    }

    static BigDecimal sum(BigDecimal[] a) {
        BigDecimal s = BigDecimal.ZERO;
        for (BigDecimal x : a) {
            s = s.add(x);
        }
        return s;
    }

    /** Records are priced at the minor unit already, so rounding their sums there changes nothing. */
    static List<BigDecimal> money(Money m, BigDecimal[] a) {
        List<BigDecimal> out = new ArrayList<>(a.length);
        for (BigDecimal x : a) {
            out.add(m.round(x));
        }
        return out;
    }
}
