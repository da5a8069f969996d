package io.computegrid.server.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.metering.MeteringConfig;
import io.computegrid.metering.budget.Overrun;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A job over a cap in alert mode is reported once per condition, not at every metering slice. */
class BudgetAlertsTest {
    static Overrun over(long job, String reason) {
        return new Overrun(job, "acme", MeteringConfig.Overrun.ALERT, reason);
    }

    @Test
    void anAlertIsNewsOncePerConditionAndAgainAfterTheJobWasBackUnder() {
        BudgetAlerts a = new BudgetAlerts();
        assertThat(a.news(List.of(over(1, "job 1 spent 5.02 of its budget 5 CNY")))).extracting(Overrun::jobId)
                .containsExactly(1L);
        // the next slices: the same condition with grown figures, and a second job going over
        assertThat(a.news(List.of(over(1, "job 1 spent 5.31 of its budget 5 CNY"),
                over(2, "tenant acme spent 100.5 of its monthly budget 100 CNY")))).extracting(Overrun::jobId)
                .containsExactly(2L);
        assertThat(a.news(List.of(over(1, "job 1 spent 5.60 of its budget 5 CNY"),
                over(2, "tenant acme spent 101 of its monthly budget 100 CNY")))).isEmpty();
        // job 1 now for another reason: news; job 2 no longer over (a top-up), then over again: news again
        assertThat(a.news(List.of(over(1, "tenant acme is out of funds (balance 0, credit limit 0, vouchers 0 CNY)"))))
                .extracting(Overrun::jobId).containsExactly(1L);
        assertThat(a.news(List.of(over(1, "tenant acme is out of funds (balance 0, credit limit 0, vouchers 0 CNY)"),
                over(2, "tenant acme spent 102 of its monthly budget 100 CNY")))).extracting(Overrun::jobId)
                .containsExactly(2L);
    }
}
