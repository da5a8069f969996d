package io.computegrid.metering.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.metering.money.Money;
import io.computegrid.metering.voucher.VoucherAllocator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class PostingTest {
    static final Money CNY = new Money("CNY");

    @Property(tries = 500)
    void everyPostingBalances(@ForAll @IntRange(min = 0, max = 1_000_000) int costCents,
                              @ForAll @IntRange(min = 0, max = 1_000_000) int voucherCents,
                              @ForAll @IntRange(min = 0, max = 10000) int feeBasisPoints) {
        BigDecimal cost = BigDecimal.valueOf(costCents, 2);
        BigDecimal byVoucher = BigDecimal.valueOf(Math.min(voucherCents, costCents), 2);
        List<VoucherAllocator.Part> parts = new ArrayList<>();
        if (byVoucher.signum() > 0) {
            parts.add(new VoucherAllocator.Part(7, byVoucher));
        }
        var a = new VoucherAllocator.Allocation(cost, parts, cost.subtract(byVoucher));
        BigDecimal fee = CNY.round(cost.multiply(BigDecimal.valueOf(feeBasisPoints, 4)));
        List<Entry> charge = Posting.charge("acme", "prov", a, fee);
        assertThat(Posting.sum(charge)).isEqualByComparingTo("0");
        assertThat(charge.stream().filter(e -> e.account().equals("provider:prov")).findFirst().orElseThrow().amount())
                .isEqualByComparingTo(cost.subtract(fee));
        assertThat(Posting.sum(Posting.topUp("acme", cost))).isEqualByComparingTo("0");
        assertThat(Posting.sum(Posting.voucherIssue(1, "gov", cost))).isEqualByComparingTo("0");
        assertThat(Posting.sum(Posting.voucherExpire(1, "gov", cost))).isEqualByComparingTo("0");
        assertThat(Posting.sum(Posting.settlement("prov", cost))).isEqualByComparingTo("0");
    }
}
