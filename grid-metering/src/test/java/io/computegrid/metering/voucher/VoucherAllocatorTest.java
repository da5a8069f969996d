package io.computegrid.metering.voucher;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.metering.money.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class VoucherAllocatorTest {
    static final Money CNY = new Money("CNY");
    static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    static Voucher v(long id, String amount, String share, long fromS, long toS, List<String> centers,
                     List<String> models) {
        return new Voucher(id, "acme", "gov", new BigDecimal(amount), new BigDecimal(amount), new BigDecimal(share),
                T0.plusSeconds(fromS), T0.plusSeconds(toS), centers, models, Voucher.State.ACTIVE, T0);
    }

    @Test
    void earliestExpiryFirstThenNextThenBalance() {
        List<Voucher> vs = new ArrayList<>(List.of(v(2, "3.00", "1", 0, 1000, List.of(), List.of()),
                v(1, "5.00", "1", 0, 500, List.of(), List.of())));
        vs.sort(VoucherAllocator.ORDER);
        var a = VoucherAllocator.allocate(CNY, new BigDecimal("10.00"), "c", "m", T0, T0.plusSeconds(60), vs);
        assertThat(a.vouchers()).extracting(VoucherAllocator.Part::voucherId).containsExactly(1L, 2L);
        assertThat(a.paidByVouchers()).isEqualByComparingTo("8.00");
        assertThat(a.balance()).isEqualByComparingTo("2.00");
        assertThat(vs).allSatisfy(x -> assertThat(x.remaining()).isEqualByComparingTo("0"));
    }

    @Test
    void shareLeavesACoPaymentAndScopeAndValidityAreRespected() {
        List<Voucher> vs = new ArrayList<>(List.of(v(1, "100.00", "0.5", 0, 1000, List.of(), List.of())));
        var a = VoucherAllocator.allocate(CNY, new BigDecimal("0.05"), "c", "m", T0, T0.plusSeconds(60), vs);
        assertThat(a.paidByVouchers()).isEqualByComparingTo("0.02"); // 0.025 half-even
        assertThat(a.balance()).isEqualByComparingTo("0.03");
        List<Voucher> scoped = new ArrayList<>(List.of(v(1, "100.00", "1", 0, 1000, List.of("other"), List.of()),
                v(2, "100.00", "1", 0, 1000, List.of(), List.of("nvidia-h100")),
                v(3, "100.00", "1", 100, 1000, List.of(), List.of()),
                v(4, "100.00", "1", 60, 90, List.of(), List.of())));
        var none = VoucherAllocator.allocate(CNY, new BigDecimal("1.00"), "c", "m", T0, T0.plusSeconds(60), scoped);
        assertThat(none.vouchers()).isEmpty();
        assertThat(none.balance()).isEqualByComparingTo("1.00");
    }

    @Test
    void aVoucherPaysForTheSecondsOfAChargeItWasValid() {
        // valid for the first 15 s of a 60 s charge of 10.00: pays a quarter
        List<Voucher> one = new ArrayList<>(List.of(v(1, "100.00", "1", -100, 15, List.of(), List.of())));
        var a = VoucherAllocator.allocate(CNY, new BigDecimal("10.00"), "c", "m", T0, T0.plusSeconds(60), one);
        assertThat(a.paidByVouchers()).isEqualByComparingTo("2.50");
        assertThat(a.balance()).isEqualByComparingTo("7.50");
        assertThat(one.get(0).remaining()).isEqualByComparingTo("97.50");
        // two vouchers for the same last 30 s: the one expiring first pays, the other has nothing left to pay
        List<Voucher> late = new ArrayList<>(List.of(v(1, "100.00", "1", 30, 100, List.of(), List.of()),
                v(2, "100.00", "1", 30, 200, List.of(), List.of())));
        var b = VoucherAllocator.allocate(CNY, new BigDecimal("10.00"), "c", "m", T0, T0.plusSeconds(60), late);
        assertThat(b.vouchers()).extracting(VoucherAllocator.Part::voucherId).containsExactly(1L);
        assertThat(b.paidByVouchers()).isEqualByComparingTo("5.00");
        assertThat(b.balance()).isEqualByComparingTo("5.00");
        // disjoint halves at 50% each, and the seconds between them paid by the balance alone
        List<Voucher> halves = new ArrayList<>(List.of(v(1, "100.00", "0.5", 0, 20, List.of(), List.of()),
                v(2, "100.00", "0.5", 40, 100, List.of(), List.of())));
        var c = VoucherAllocator.allocate(CNY, new BigDecimal("0.60"), "c", "m", T0, T0.plusSeconds(60), halves);
        assertThat(c.vouchers()).extracting(VoucherAllocator.Part::amount)
                .usingElementComparator(BigDecimal::compareTo).containsExactly(new BigDecimal("0.10"),
                        new BigDecimal("0.10"));
        assertThat(c.balance()).isEqualByComparingTo("0.40");
    }

    @Provide
    Arbitrary<Voucher> vouchers() {
        Arbitrary<Long> ids = Arbitraries.longs().between(1, 1000);
        Arbitrary<BigDecimal> amount = Arbitraries.integers().between(0, 5000).map(c -> BigDecimal.valueOf(c, 2));
        Arbitrary<BigDecimal> share = Arbitraries.integers().between(1, 10000).map(s -> BigDecimal.valueOf(s, 4));
        Arbitrary<Long> from = Arbitraries.longs().between(0, 200);
        Arbitrary<Long> len = Arbitraries.longs().between(1, 400);
        Arbitrary<List<String>> centers = Arbitraries.of(List.<String>of(), List.of("c"), List.of("d"));
        Arbitrary<List<String>> models = Arbitraries.of(List.<String>of(), List.of("m"), List.of("n"));
        Arbitrary<Boolean> expired = Arbitraries.of(false, false, false, true);
        return Combinators.combine(ids, amount, share, from, len, centers, models, expired)
                .as((id, amt, sh, f, l, c, m, exp) -> {
                    Voucher x = new Voucher(id, "acme", "gov", amt.max(new BigDecimal("0.01")), amt, sh,
                            T0.plusSeconds(f), T0.plusSeconds(f + l), c, m, Voucher.State.ACTIVE, T0);
                    return exp ? x.expired() : x;
                });
    }

    /** A voucher never pays outside its scope or validity, beyond its share or beyond what it has; parts add up. */
    @Property(tries = 1000)
    void allocationInvariants(@ForAll @Size(max = 6) List<@From("vouchers") Voucher> input,
                              @ForAll @IntRange(min = 0, max = 100_000) int costCents,
                              @ForAll @IntRange(min = 0, max = 300) int start,
                              @ForAll @IntRange(min = 0, max = 300) int length,
                              @ForAll boolean otherCenter) {
        List<Voucher> vs = new ArrayList<>(input.stream().collect(java.util.stream.Collectors.toMap(Voucher::id,
                x -> x, (a, b) -> a)).values());
        vs.sort(VoucherAllocator.ORDER);
        List<Voucher> before = List.copyOf(vs);
        BigDecimal cost = BigDecimal.valueOf(costCents, 2);
        Instant from = T0.plusSeconds(start);
        Instant to = from.plusSeconds(length);
        String center = otherCenter ? "d" : "c";
        var a = VoucherAllocator.allocate(CNY, cost, center, "m", from, to, vs);
        assertThat(a.paidByVouchers().add(a.balance())).isEqualByComparingTo(cost);
        assertThat(a.balance().signum()).isGreaterThanOrEqualTo(0);
        for (VoucherAllocator.Part p : a.vouchers()) {
            Voucher orig = before.stream().filter(x -> x.id() == p.voucherId()).findFirst().orElseThrow();
            assertThat(orig.state()).isEqualTo(Voucher.State.ACTIVE);
            assertThat(orig.covers(center, "m")).isTrue();
            // it pays only for the seconds it was valid, at most its share of their cost (one cent of
            // rounding per piece the charge was cut into)
            if (length == 0) {
                assertThat(orig.applies(center, "m", from, to)).isTrue();
                continue;
            }
            Instant lo = from.isAfter(orig.validFrom()) ? from : orig.validFrom();
            Instant hi = to.isBefore(orig.validTo()) ? to : orig.validTo();
            assertThat(hi).isAfter(lo);
            BigDecimal inside = cost.multiply(BigDecimal.valueOf(java.time.Duration.between(lo, hi).toSeconds()))
                    .divide(BigDecimal.valueOf(length), 10, java.math.RoundingMode.HALF_EVEN);
            assertThat(p.amount()).isPositive().isLessThanOrEqualTo(orig.remaining());
            assertThat(p.amount()).isLessThanOrEqualTo(inside.multiply(orig.share())
                    .add(new BigDecimal("0.01").multiply(BigDecimal.valueOf(2L * vs.size() + 1))));
        }
        for (int i = 0; i < vs.size(); i++) {
            Voucher now = vs.get(i);
            Voucher was = before.get(i);
            BigDecimal paid = a.vouchers().stream().filter(p -> p.voucherId() == was.id())
                    .map(VoucherAllocator.Part::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertThat(now.remaining()).isEqualByComparingTo(was.remaining().subtract(paid));
            assertThat(now.remaining().signum()).isGreaterThanOrEqualTo(0);
        }
    }
}
