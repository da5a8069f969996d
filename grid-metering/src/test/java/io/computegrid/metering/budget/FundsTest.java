package io.computegrid.metering.budget;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class FundsTest {
    static Funds funds(String balance, String credit, String vouchers, String budget, String spent) {
        return new Funds("acme", "CNY", new BigDecimal(balance), new BigDecimal(credit), new BigDecimal(vouchers),
                budget == null ? null : new BigDecimal(budget), new BigDecimal(spent));
    }

    @Test
    void blocksWithTheNumbers() {
        assertThat(funds("0", "0", "0", null, "0").block(new BigDecimal("1"), null))
                .hasValueSatisfying(m -> assertThat(m).contains("no funds left").contains("balance 0 CNY"));
        assertThat(funds("5", "0", "0", null, "0").block(new BigDecimal("6"), null))
                .hasValueSatisfying(m -> assertThat(m).contains("estimated cost 6 CNY exceeds").contains("5 CNY"));
        assertThat(funds("5", "2", "3", null, "0").block(new BigDecimal("10"), null)).isEmpty();
        assertThat(funds("100", "0", "0", "50", "45").block(new BigDecimal("10"), null))
                .hasValueSatisfying(m -> assertThat(m).contains("monthly budget").contains("spent 45 CNY")
                        .contains("55 CNY"));
        assertThat(funds("100", "0", "0", null, "0").block(new BigDecimal("10"), new BigDecimal("5")))
                .hasValueSatisfying(m -> assertThat(m).contains("job's budget 5 CNY"));
        // free work always starts
        assertThat(funds("-5", "0", "0", "0", "9").block(BigDecimal.ZERO, null)).isEmpty();
    }

    @Test
    void runningWorkCommitsPartOfTheFunds() {
        Funds f = funds("100", "20", "0", null, "0").withCommitted(new BigDecimal("90"));
        assertThat(f.headroom()).isEqualByComparingTo("30");
        assertThat(f.block(new BigDecimal("30"), null)).isEmpty();
        assertThat(f.block(new BigDecimal("31"), null)).hasValueSatisfying(m -> assertThat(m)
                .contains("can still commit").contains("less 90 CNY committed").contains("leaves 30 CNY"));
        assertThat(funds("100", "0", "0", "100", "40").withCommitted(new BigDecimal("50"))
                .block(new BigDecimal("20"), null)).hasValueSatisfying(m -> assertThat(m)
                .contains("monthly budget").contains("50 CNY committed to running work").contains("110 CNY"));
    }
}
