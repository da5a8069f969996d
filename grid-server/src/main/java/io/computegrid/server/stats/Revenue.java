package io.computegrid.server.stats;

import io.computegrid.server.api.Json;
import io.computegrid.metering.money.Money;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jdbi.v3.core.Jdbi;

/**
 * What the federation earned over time per provider and center: gross charges (the usage
 * records' cost), the platform fee and the provider's net, bucketed by the time each record's
 * interval ended (the rule statements and settlements use). One grouped query over the records
 * of the range (index on ended_at); money stays exact decimals.
 */
public final class Revenue {
    private Revenue() {
    }

    public static Map<String, Object> compute(Jdbi jdbi, TimeRange range, String currency) {
        Money m = new Money(currency);
        int n = range.points();
        Map<String, BigDecimal[][]> byKey = new TreeMap<>(); // provider \0 center -> [gross[], fees[]]
        Map<String, String[]> names = new TreeMap<>();
        jdbi.useHandle(h -> h.createQuery("""
                        SELECT floor(extract(epoch FROM ended_at - CAST(:from AS timestamptz)) * 1000 / :step)::int AS b,
                               provider, center, sum(cost) AS gross, sum(fee) AS fees, sum(card_seconds) AS cs
                        FROM metering_usage WHERE ended_at >= :from AND ended_at < :to
                        GROUP BY 1, provider, center""")
                .bind("from", Timestamp.from(range.from())).bind("to", Timestamp.from(range.to()))
                .bind("step", range.stepMillis())
                .map((rs, ctx) -> {
                    String key = rs.getString("provider") + "\u0000" + rs.getString("center");
                    names.putIfAbsent(key, new String[]{rs.getString("provider"), rs.getString("center")});
                    BigDecimal[][] s = byKey.computeIfAbsent(key, k -> new BigDecimal[][]{Decimals.zeros(n), Decimals.zeros(n)});
                    int b = Math.min(Math.max(rs.getInt("b"), 0), n - 1);
                    s[0][b] = s[0][b].add(rs.getBigDecimal("gross"));
                    s[1][b] = s[1][b].add(rs.getBigDecimal("fees"));
                    return 0;
                }).list());
        List<Map<String, Object>> series = new ArrayList<>();
        Map<String, BigDecimal[]> providers = new TreeMap<>();
        BigDecimal gross = BigDecimal.ZERO;
        BigDecimal fees = BigDecimal.ZERO;
        for (Map.Entry<String, BigDecimal[][]> e : byKey.entrySet()) {
            String[] pc = names.get(e.getKey());
            BigDecimal g = Decimals.sum(e.getValue()[0]);
            BigDecimal f = Decimals.sum(e.getValue()[1]);
            series.add(Json.map("provider", pc[0], "center", pc[1], "gross", Decimals.money(m, e.getValue()[0]),
                    "fees", Decimals.money(m, e.getValue()[1]), "totalGross", m.round(g), "totalFees", m.round(f),
                    "totalNet", m.round(g.subtract(f))));
            BigDecimal[] p = providers.computeIfAbsent(pc[0], k -> new BigDecimal[]{BigDecimal.ZERO, BigDecimal.ZERO});
            p[0] = p[0].add(g);
            p[1] = p[1].add(f);
            gross = gross.add(g);
            fees = fees.add(f);
        }
        List<Map<String, Object>> byProvider = new ArrayList<>();
        providers.forEach((p, v) -> byProvider.add(Json.map("provider", p, "gross", m.round(v[0]), "fees", m.round(v[1]),
                "net", m.round(v[0].subtract(v[1])))));
        return Json.map("from", range.from().toString(), "to", range.to().toString(),
                "stepSeconds", range.stepMillis() / 1000, "currency", currency, "times", range.times(),
                "series", series, "providers", byProvider,
                "totals", Json.map("gross", m.round(gross), "fees", m.round(fees), "net", m.round(gross.subtract(fees))));
    }
}
