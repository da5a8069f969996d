package io.computegrid.metering.ledger;

import io.computegrid.metering.MeteringConfig;
import io.computegrid.metering.money.Money;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Tenant accounts in {@code metering_account}: the cached balance that admission reads and locks. */
public final class AccountStore {
    private final Money money;

    public AccountStore(Money money) {
        this.money = money;
    }

    public void ensure(Handle h, Collection<String> tenants, Instant now) {
        if (tenants.isEmpty()) {
            return;
        }
        h.createUpdate("insert into metering_account (id, tenant, currency, created_at) "
                        + "select 'tenant:' || t, t, :cur, :now from unnest(:t) as x(t) on conflict do nothing")
                .bindArray("t", String.class, List.copyOf(tenants))
                .bind("cur", money.currency()).bind("now", OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
                .execute();
    }

    /** Locks the accounts (in name order, so concurrent batches never deadlock) and reads them. */
    public Map<String, TenantAccount> lock(Handle h, Collection<String> tenants) {
        Map<String, TenantAccount> out = new LinkedHashMap<>();
        h.createQuery("select * from metering_account where tenant = any(:t) order by tenant for update")
                .bindArray("t", String.class, List.copyOf(tenants))
                .map((rs, ctx) -> map(rs)).forEach(a -> out.put(a.tenant(), a));
        return out;
    }

    public Optional<TenantAccount> find(Handle h, String tenant) {
        return h.createQuery("select * from metering_account where tenant = :t").bind("t", tenant)
                .map((rs, ctx) -> map(rs)).findOne();
    }

    public List<TenantAccount> all(Handle h) {
        return h.createQuery("select * from metering_account order by tenant").map((rs, ctx) -> map(rs)).list();
    }

    public void addToBalances(Handle h, Map<String, BigDecimal> deltas) {
        List<String> tenants = deltas.entrySet().stream().filter(e -> e.getValue().signum() != 0)
                .map(Map.Entry::getKey).toList();
        if (tenants.isEmpty()) {
            return;
        }
        List<String> amounts = tenants.stream().map(t -> deltas.get(t).toPlainString()).toList();
        h.createUpdate("update metering_account a set balance = a.balance + x.d::numeric "
                        + "from unnest(:t, :d) as x(t, d) where a.tenant = x.t")
                .bindArray("t", String.class, tenants).bindArray("d", String.class, amounts).execute();
    }

    public void settings(Handle h, MeteringConfig.AccountSettings s) {
        if (s.creditLimit() != null) {
            h.createUpdate("update metering_account set credit_limit = :v::numeric where tenant = :t")
                    .bind("v", s.creditLimit().toPlainString()).bind("t", s.tenant()).execute();
        }
        if (s.monthlyBudget() != null) {
            h.createUpdate("update metering_account set monthly_budget = :v::numeric where tenant = :t")
                    .bind("v", s.monthlyBudget().toPlainString()).bind("t", s.tenant()).execute();
        }
        if (s.overrun() != null) {
            h.createUpdate("update metering_account set overrun = :v where tenant = :t")
                    .bind("v", s.overrun().name().toLowerCase()).bind("t", s.tenant()).execute();
        }
    }

    public void clearBudget(Handle h, String tenant) {
        h.createUpdate("update metering_account set monthly_budget = null where tenant = :t").bind("t", tenant)
                .execute();
    }

    private TenantAccount map(ResultSet rs) throws SQLException {
        BigDecimal budget = rs.getBigDecimal("monthly_budget");
        String overrun = rs.getString("overrun");
        return new TenantAccount(rs.getString("tenant"), rs.getString("currency"), money.of(rs.getBigDecimal("balance")),
                money.of(rs.getBigDecimal("credit_limit")), budget == null ? null : money.of(budget),
                overrun == null ? null : MeteringConfig.Overrun.valueOf(overrun.toUpperCase()));
    }
}
