package io.computegrid.server.stats;

import io.computegrid.metering.money.Money;
import io.computegrid.server.api.Json;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * A tenant's metered use over time per accelerator model: card-hours, P·h (rated FP16 PFLOPS x
 * hours) and cost per bucket, from the usage records (bucketed by the end of each record's
 * interval, as statements are). One grouped query on the (tenant, ended_at) index.
 */
public final class UsageSeries {
    private static final BigDecimal HOUR = BigDecimal.valueOf(3600);

    private UsageSeries() {
    }

    public static Map<String, Object> compute(Jdbi jdbi, TimeRange range, String tenant, String currency) {
        Money money = new Money(currency);
        int n = range.points();
        Map<String, BigDecimal[][]> byModel = new TreeMap<>(); // model -> [card-s[], P-s[], cost[]]
        long[] records = {0};
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT floor(extract(epoch FROM ended_at - CAST(:from AS timestamptz)) * 1000 / :step)::int AS b,
                               accelerator, count(*) AS records, sum(card_seconds) AS cs, sum(pflop_seconds) AS ps,
                               sum(cost) AS cost
                        FROM metering_usage WHERE ended_at >= :from AND ended_at < :to
                          AND (CAST(:t AS text) IS NULL OR tenant = :t)
                        GROUP BY 1, accelerator""")
                .bind("from", Timestamp.from(range.from())).bind("to", Timestamp.from(range.to()))
                .bind("step", range.stepMillis()).bind("t", tenant)
                .map((rs, ctx) -> {
                    BigDecimal[][] s = byModel.computeIfAbsent(rs.getString("accelerator"),
                            k -> new BigDecimal[][]{Decimals.zeros(n), Decimals.zeros(n), Decimals.zeros(n)});
                    int b = Math.min(Math.max(rs.getInt("b"), 0), n - 1);
                    s[0][b] = s[0][b].add(rs.getBigDecimal("cs"));
                    s[1][b] = s[1][b].add(rs.getBigDecimal("ps"));
                    s[2][b] = s[2][b].add(rs.getBigDecimal("cost"));
                    records[0] += rs.getLong("records");
                    return 0;
                }).list());
        List<Map<String, Object>> series = new ArrayList<>();
        BigDecimal[] totals = {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO};
        byModel.forEach((model, s) -> {
            List<BigDecimal> cardHours = new ArrayList<>(n);
            List<BigDecimal> pflopHours = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                cardHours.add(hours(s[0][i]));
                pflopHours.add(hours(s[1][i]));
                totals[0] = totals[0].add(s[0][i]);
                totals[1] = totals[1].add(s[1][i]);
                totals[2] = totals[2].add(s[2][i]);
            }
            series.add(Json.map("accelerator", model, "cardHours", cardHours, "pflopHours", pflopHours, "cost", Decimals.money(money, s[2])));
        });
        return Json.map("tenant", tenant, "from", range.from().toString(), "to", range.to().toString(),
                "stepSeconds", range.stepMillis() / 1000, "currency", currency, "times", range.times(),
                "series", series, "totals", Json.map("records", records[0], "cardHours", hours(totals[0]),
                        "pflopHours", hours(totals[1]), "cost", money.round(totals[2])));
    }

    /** Seconds to hours with 6 places, as statements show card-hours. */
    static BigDecimal hours(BigDecimal seconds) {
        return seconds.divide(HOUR, 6, RoundingMode.HALF_EVEN);
    }
}
