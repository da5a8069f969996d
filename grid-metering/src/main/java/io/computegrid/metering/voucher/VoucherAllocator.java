package io.computegrid.metering.voucher;

import io.computegrid.metering.money.Money;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Splits one charge between vouchers and the tenant's balance. Applicable vouchers are taken in
 * order of earliest {@code validTo} (then lowest id); each pays {@code round_half_even(share x
 * unpaid)}, capped by what it has left, where {@code unpaid} is what earlier vouchers left. The
 * balance pays the rest. So a 100% voucher that runs dry hands over to the next one, and a 50%
 * voucher always leaves the tenant a co-payment. A charge whose interval crosses the start or end of a
 * voucher's validity is cut there: each piece carries its share of the cost (by time, half-even, the
 * last piece the remainder) and is allocated on its own, so a voucher pays for exactly the seconds it
 * was valid. Pure: the caller stores the new remainders.
 */
public final class VoucherAllocator {
    private VoucherAllocator() {
    }

    /** What one voucher paid of one charge. */
    public record Part(long voucherId, BigDecimal amount) {
    }

    /** The split of one charge; {@code vouchers} sum plus {@code balance} equals the cost. */
    public record Allocation(BigDecimal cost, List<Part> vouchers, BigDecimal balance) {
        public BigDecimal paidByVouchers() {
            return vouchers.stream().map(Part::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
    }

    public static final Comparator<Voucher> ORDER = Comparator.comparing(Voucher::validTo)
            .thenComparingLong(Voucher::id);

    /**
     * Allocates {@code cost} for usage in {@code [from, to)} of this center and model. {@code vouchers}
     * are the tenant's vouchers in {@link #ORDER}; their {@code remaining} is updated in place in the
     * list (replaced by a copy) so that a batch of charges can be allocated in sequence.
     */
    public static Allocation allocate(Money money, BigDecimal cost, String center, String model, Instant from,
                                      Instant to, List<Voucher> vouchers) {
        TreeSet<Instant> cuts = new TreeSet<>();
        for (Voucher v : vouchers) {
            if (v.state() == Voucher.State.ACTIVE && v.covers(center, model)) {
                for (Instant t : new Instant[]{v.validFrom(), v.validTo()}) {
                    if (t.isAfter(from) && t.isBefore(to)) {
                        cuts.add(t);
                    }
                }
            }
        }
        if (cuts.isEmpty()) {
            return piece(money, cost, center, model, from, to, vouchers);
        }
        cuts.add(to);
        BigDecimal total = BigDecimal.valueOf(Duration.between(from, to).toNanos());
        Map<Long, BigDecimal> paid = new LinkedHashMap<>();
        BigDecimal balance = BigDecimal.ZERO;
        BigDecimal left = cost;
        Instant start = from;
        for (Instant end : cuts) {
            BigDecimal c = end.equals(to) ? left : money.divide(cost.multiply(BigDecimal.valueOf(
                    Duration.between(start, end).toNanos())), total).min(left);
            left = left.subtract(c);
            Allocation a = piece(money, c, center, model, start, end, vouchers);
            for (Part p : a.vouchers()) {
                paid.merge(p.voucherId(), p.amount(), BigDecimal::add);
            }
            balance = balance.add(a.balance());
            start = end;
        }
        List<Part> parts = new ArrayList<>();
        paid.forEach((id, amount) -> parts.add(new Part(id, amount)));
        return new Allocation(cost, List.copyOf(parts), balance);
    }

    /** One piece of a charge inside which no voucher starts or ends. */
    private static Allocation piece(Money money, BigDecimal cost, String center, String model, Instant from,
                                    Instant to, List<Voucher> vouchers) {
        BigDecimal unpaid = cost;
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < vouchers.size() && unpaid.signum() > 0; i++) {
            Voucher v = vouchers.get(i);
            if (!v.applies(center, model, from, to)) {
                continue;
            }
            BigDecimal pay = money.round(unpaid.multiply(v.share())).min(v.remaining()).min(unpaid);
            if (pay.signum() <= 0) {
                continue;
            }
            parts.add(new Part(v.id(), pay));
            vouchers.set(i, v.withRemaining(v.remaining().subtract(pay)));
            unpaid = unpaid.subtract(pay);
        }
        return new Allocation(cost, List.copyOf(parts), unpaid);
    }
}
