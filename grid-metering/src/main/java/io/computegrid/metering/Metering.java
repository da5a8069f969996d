package io.computegrid.metering;

import io.computegrid.config.FederationConfig;
import io.computegrid.metering.budget.Funds;
import io.computegrid.metering.budget.Overrun;
import io.computegrid.metering.budget.Quote;
import io.computegrid.metering.budget.RunningJob;
import io.computegrid.metering.ledger.AccountStore;
import io.computegrid.metering.ledger.Difference;
import io.computegrid.metering.ledger.LedgerCheck;
import io.computegrid.metering.ledger.LedgerStore;
import io.computegrid.metering.ledger.TenantAccount;
import io.computegrid.metering.money.Money;
import io.computegrid.metering.price.PriceBook;
import io.computegrid.metering.price.PriceEntry;
import io.computegrid.metering.price.PriceStore;
import io.computegrid.metering.price.PricesConfig;
import io.computegrid.metering.price.Pricing;
import io.computegrid.metering.price.Rate;
import io.computegrid.metering.statement.Settlement;
import io.computegrid.metering.statement.Statement;
import io.computegrid.metering.statement.Statements;
import io.computegrid.metering.usage.UsageInterval;
import io.computegrid.metering.usage.UsageQuery;
import io.computegrid.metering.usage.UsageRecord;
import io.computegrid.metering.usage.UsageStore;
import io.computegrid.metering.voucher.Voucher;
import io.computegrid.metering.voucher.VoucherRequest;
import io.computegrid.metering.voucher.VoucherStore;
import io.computegrid.model.Center;
import io.computegrid.model.Clock;
import io.computegrid.model.JobSpec;
import io.computegrid.model.Pool;
import io.computegrid.model.TaskResources;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The economic layer's one entry point: metering, prices, accounts, vouchers, the double-entry
 * ledger, budgets, statements and settlement.
 *
 * <p>The server calls {@link #recordUsage(Handle, UsageInterval)} <b>inside its own transaction</b>
 * when a task's interval closes (finish, preemption, cancel, failure, lost node) and every
 * {@link #sliceSeconds()} for running tasks; duplicates by key are ignored and a task attempt's
 * intervals never overlap, so a crash and replay neither loses nor doubles usage. Before starting
 * work it asks {@link #admissionBlock}; per slice it asks {@link #overruns} which running jobs to
 * stop. Methods without a {@code Handle} run their own transaction. Bad input throws
 * {@link MeteringException} (or {@code SpecException} for the federation file) and changes nothing.
 *
 * <p>Money is exact ({@link Money}: BigDecimal at the currency's minor unit, half-even rounding once
 * per usage record); the currency is {@link FederationConfig#currency()} (default CNY).
 */
public final class Metering {
    /** Everything derived from the configuration; swapped whole so readers never see half of it. */
    record State(FederationConfig federation, MeteringConfig metering, Money money, PriceBook prices) {
    }

    private final Jdbi jdbi;
    private final Clock clock;
    private volatile State state;
    private final PriceStore priceStore = new PriceStore();
    private AccountStore accounts;
    private VoucherStore vouchers;
    private UsageStore usage;
    private LedgerStore ledger;
    private UsageRecorder recorder;
    private Statements statements;

    public Metering(Jdbi jdbi, FederationConfig cfg) {
        this(jdbi, cfg, System::currentTimeMillis);
    }

    /** With an injected clock (tests and the simulator drive time themselves). */
    public Metering(Jdbi jdbi, FederationConfig cfg, Clock clock) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.clock = Objects.requireNonNull(clock, "clock");
        syncConfig(cfg);
    }

    /**
     * Validates and applies a (new) federation: price book, metering settings, tenant accounts for
     * configured tenants. Throws {@code SpecException} naming the field on a bad section; then
     * nothing changed.
     */
    public synchronized void syncConfig(FederationConfig cfg) {
        Money money = new Money(cfg.currency());
        MeteringConfig mc = MeteringConfig.read(cfg);
        PriceBook configured = PricesConfig.read(cfg);
        List<PriceEntry> api = jdbi.withHandle(priceStore::load);
        PriceBook book = configured.with(api, cfg.centers());
        State next = new State(cfg, mc, money, book);
        if (state == null || !state.money().currency().equals(money.currency())) {
            accounts = new AccountStore(money);
            vouchers = new VoucherStore(money);
            usage = new UsageStore(money);
            ledger = new LedgerStore();
            recorder = new UsageRecorder(accounts, vouchers, usage, ledger);
            statements = new Statements(money);
        }
        jdbi.useTransaction(h -> {
            Set<String> tenants = new LinkedHashSet<>();
            cfg.tenants().forEach(t -> tenants.add(t.name()));
            mc.accounts().forEach(a -> tenants.add(a.tenant()));
            accounts.ensure(h, tenants, now());
            for (MeteringConfig.AccountSettings s : mc.accounts()) {
                accounts.settings(h, s);
            }
        });
        state = next;
    }

    Instant now() {
        return Instant.ofEpochMilli(clock.nowMillis());
    }

    public String currency() {
        return state.money().currency();
    }

    /** How often running tasks should be metered (the {@code metering.sliceSeconds} setting, default 60). */
    public int sliceSeconds() {
        return state.metering().sliceSeconds();
    }

    /** Records one closed interval in the caller's transaction; a key seen before is ignored. */
    public void recordUsage(Handle h, UsageInterval u) {
        recordUsage(h, List.of(u));
    }

    /**
     * Records a batch (a slice of every running task) in the caller's transaction, in a few
     * statements. Returns the records written; intervals already metered are skipped.
     */
    public List<UsageRecord> recordUsage(Handle h, List<UsageInterval> batch) {
        return recorder.record(h, batch, state, now()).recorded();
    }

    /** Records a batch in a transaction of its own (the simulator and tools; the server passes its handle). */
    public List<UsageRecord> recordUsage(List<UsageInterval> batch) {
        return jdbi.inTransaction(h -> recordUsage(h, batch));
    }

    /** The on-demand rate of a center's pool and model now: what {@code grid centers} shows beside each pool. */
    public Rate rateNow(String center, String pool, String model) {
        return state.prices().rate(center, pool, model, now(), false);
    }

    /** The estimated cost of {@code spec} on this center, pool and model at today's prices. */
    public Quote quote(String tenant, JobSpec spec, String center, String pool, String model) {
        State st = state;
        TaskResources r = spec.resources();
        Rate rate = st.prices().rate(center, pool, model, now(), spec.preemptible());
        BigDecimal hourly = Pricing.estimate(st.money(), rate, spec.tasks(), 3_600_000L, r.milliCards(),
                r.cpuMilli(), r.memoryMiB());
        BigDecimal estimate = spec.maxRuntime() == null ? null : Pricing.estimate(st.money(), rate, spec.tasks(),
                spec.maxRuntime().toMillis(), r.milliCards(), r.cpuMilli(), r.memoryMiB());
        return new Quote(tenant, st.money().currency(), center, pool, model, spec.preemptible(), rate.cardHour(),
                hourly, spec.maxRuntime(), estimate, rate.basis());
    }

    /**
     * The estimate before placement: the most expensive configured pool the job could run on, so
     * admission never underestimates. A job that fits no configured pool gets a zero quote.
     */
    public Quote quote(String tenant, JobSpec spec) {
        Quote best = null;
        for (Center c : state.federation().centers()) {
            if (!spec.centers().isEmpty() && !spec.centers().contains(c.name())) {
                continue;
            }
            for (Pool p : c.pools()) {
                if (spec.resources().milliCards() > 0 && !spec.resources().accepts(p.accelerator())) {
                    continue;
                }
                Quote q = quote(tenant, spec, c.name(), p.name(), p.accelerator());
                if (best == null || q.hourlyCost().compareTo(best.hourlyCost()) > 0) {
                    best = q;
                }
            }
        }
        if (best != null) {
            return best;
        }
        BigDecimal zero = state.money().zero();
        return new Quote(tenant, currency(), null, null, null, spec.preemptible(), zero, zero, spec.maxRuntime(),
                spec.maxRuntime() == null ? null : zero, "no configured pool fits");
    }

    /** What the tenant can spend now: balance, credit limit, usable vouchers, this month's spend. */
    public Funds funds(Handle h, String tenant) {
        Optional<TenantAccount> found = accounts.find(h, tenant);
        if (found.isEmpty()) {
            accounts.ensure(h, List.of(tenant), now());
            found = accounts.find(h, tenant);
        }
        TenantAccount a = found.orElseThrow();
        Instant now = now();
        BigDecimal v = vouchers.list(h, tenant).stream()
                .filter(x -> x.state() == Voucher.State.ACTIVE && !now.isBefore(x.validFrom()) && now.isBefore(x.validTo()))
                .map(Voucher::remaining).reduce(state.money().zero(), BigDecimal::add);
        // this month's spend sums usage records: read it only when a budget makes it matter (admission is per submit)
        BigDecimal spent = a.monthlyBudget() == null ? state.money().zero() : spent(h, tenant, now);
        return new Funds(tenant, currency(), a.balance(), a.creditLimit(), v, a.monthlyBudget(), spent);
    }

    private BigDecimal spent(Handle h, String tenant, Instant now) {
        Instant monthStart = Statements.start(YearMonth.from(now.atOffset(ZoneOffset.UTC)));
        return state.money().of(h.createQuery("select coalesce(sum(cost), 0) from metering_usage "
                        + "where tenant = :t and ended_at >= :f")
                .bind("t", tenant).bind("f", OffsetDateTime.ofInstant(monthStart, ZoneOffset.UTC))
                .mapTo(BigDecimal.class).one());
    }

    /** Empty when the tenant may start work of this estimated cost; otherwise the reason, with the numbers. */
    public Optional<String> admissionBlock(Handle h, String tenant, BigDecimal estimatedCost) {
        return admissionBlock(h, tenant, estimatedCost, null);
    }

    /** As {@link #admissionBlock(Handle, String, BigDecimal)}, also refusing an estimate above the job's budget. */
    public Optional<String> admissionBlock(Handle h, String tenant, BigDecimal estimatedCost, BigDecimal jobBudget) {
        return admissionBlock(h, tenant, estimatedCost, jobBudget, BigDecimal.ZERO);
    }

    /**
     * As above, with {@code committed}: what the tenant's running work is still expected to spend (the
     * caller knows its jobs), which new work may not count on.
     */
    public Optional<String> admissionBlock(Handle h, String tenant, BigDecimal estimatedCost, BigDecimal jobBudget,
                                           BigDecimal committed) {
        BigDecimal est = estimatedCost == null ? BigDecimal.ZERO : estimatedCost;
        return funds(h, tenant).withCommitted(committed).block(est, jobBudget);
    }

    /**
     * Running jobs past a cap: a tenant out of funds (balance + credit + vouchers &lt;= 0), over its
     * monthly budget, or a job over its own budget. The action is the tenant's overrun setting, else
     * the federation's ({@code metering.overrun}); the server stops those with {@link Overrun#stop()}.
     */
    public List<Overrun> overruns(Handle h, Collection<RunningJob> running) {
        if (running.isEmpty()) {
            return List.of();
        }
        Map<String, Funds> funds = new HashMap<>();
        Map<String, MeteringConfig.Overrun> action = new HashMap<>();
        Instant now = now();
        for (RunningJob j : running) {
            if (!funds.containsKey(j.tenant())) {
                funds.put(j.tenant(), funds(h, j.tenant()));
                action.put(j.tenant(), accounts.find(h, j.tenant()).map(TenantAccount::overrun)
                        .orElse(null));
            }
        }
        Map<Long, BigDecimal> jobSpend = new HashMap<>();
        List<Long> budgeted = running.stream().filter(j -> j.budget() != null).map(RunningJob::jobId).toList();
        if (!budgeted.isEmpty()) {
            h.createQuery("select job_id, sum(cost) from metering_usage where job_id = any(:j) group by job_id")
                    .bindArray("j", Long.class, budgeted)
                    .map((rs, ctx) -> Map.entry(rs.getLong(1), rs.getBigDecimal(2)))
                    .forEach(e -> jobSpend.put(e.getKey(), e.getValue()));
        }
        List<Overrun> out = new java.util.ArrayList<>();
        for (RunningJob j : running) {
            Funds f = funds.get(j.tenant());
            MeteringConfig.Overrun act = action.get(j.tenant()) != null ? action.get(j.tenant())
                    : state.metering().overrun();
            String reason = null;
            // work that spends nothing is not stopped for the tenant's funds or monthly budget
            boolean spends = !free(j, now);
            if (spends && f.available().signum() <= 0) {
                reason = "tenant " + j.tenant() + " is out of funds (balance " + f.balance().toPlainString()
                        + ", credit limit " + f.creditLimit().toPlainString() + ", vouchers "
                        + f.vouchers().toPlainString() + " " + f.currency() + ")";
            } else if (spends && f.monthlyBudget() != null && f.spentThisMonth().compareTo(f.monthlyBudget()) >= 0) {
                reason = "tenant " + j.tenant() + " spent " + f.spentThisMonth().toPlainString() + " of its monthly budget "
                        + f.monthlyBudget().toPlainString() + " " + f.currency();
            } else if (j.budget() != null && jobSpend.getOrDefault(j.jobId(), BigDecimal.ZERO).compareTo(j.budget()) >= 0) {
                reason = "job " + j.jobId() + " spent " + jobSpend.get(j.jobId()).toPlainString() + " of its budget "
                        + j.budget().toPlainString() + " " + f.currency();
            }
            if (reason != null) {
                out.add(new Overrun(j.jobId(), j.tenant(), act, reason));
            }
        }
        return out;
    }

    /** Whether the job's card, CPU and memory all cost nothing where it runs, at today's prices. */
    private boolean free(RunningJob j, Instant now) {
        if (j.center() == null || j.pool() == null || j.model() == null) {
            return false;
        }
        Rate r = state.prices().rate(j.center(), j.pool(), j.model(), now, j.preemptible());
        return r.cardHour().signum() == 0 && r.cpuCoreHour().signum() == 0 && r.memoryGiBHour().signum() == 0;
    }

    /** Creates the tenant's account if missing (the server calls this when it creates a tenant). */
    public void ensureTenant(Handle h, String tenant) {
        accounts.ensure(h, List.of(tenant), now());
    }

    // ---- accounts, vouchers, prices, reports: see Accounting for the write paths ----

    Accounting accounting() {
        return new Accounting(jdbi, state, accounts, vouchers, ledger, priceStore, now());
    }

    public TenantAccount account(String tenant) {
        return jdbi.withHandle(h -> accounting().requireAccount(h, tenant));
    }

    public List<TenantAccount> accounts() {
        return jdbi.withHandle(accounts::all);
    }

    /** Changes a tenant's credit limit, monthly budget or overrun action (null fields unchanged). */
    public TenantAccount updateAccount(MeteringConfig.AccountSettings s) {
        return accounting().updateAccount(s);
    }

    /** Adds {@code amount} to the tenant's balance; {@code currency} null means the platform currency. */
    public TenantAccount topUp(String tenant, BigDecimal amount, String currency, String idemKey) {
        return accounting().topUp(tenant, amount, currency, idemKey);
    }

    public Voucher issueVoucher(VoucherRequest r) {
        return accounting().issueVoucher(r);
    }

    public List<Voucher> vouchers(String tenant) {
        return jdbi.withHandle(h -> vouchers.list(h, tenant));
    }

    public Voucher voucher(long id) {
        return jdbi.withHandle(h -> vouchers.find(h, id, false))
                .orElseThrow(() -> MeteringException.notFound("no voucher " + id));
    }

    /** Expires a voucher now: what it had left goes back to its issuer. Expiring twice changes nothing. */
    public Voucher expireVoucher(long id) {
        return accounting().expireVoucher(id);
    }

    /** Expires every voucher whose validity has ended; call periodically. Returns how many. */
    public int expireDueVouchers() {
        return accounting().expireDue();
    }

    /** The whole price book: configured entries and API entries (pool list prices apply where none matches). */
    public List<PriceEntry> prices() {
        return state.prices().entries();
    }

    /**
     * Sets a price from {@code entry.from()} (null: now; never in the past). An open period of the
     * same key that started earlier ends there; any other overlap is refused.
     */
    public synchronized PriceEntry setPrice(PriceEntry entry, String by) {
        PriceEntry saved = accounting().setPrice(entry, by);
        State st = state;
        List<PriceEntry> api = jdbi.withHandle(priceStore::load);
        state = new State(st.federation(), st.metering(), st.money(),
                PricesConfig.read(st.federation()).with(api, st.federation().centers()));
        return saved;
    }

    public List<UsageRecord> usage(UsageQuery q) {
        return jdbi.withHandle(h -> usage.page(h, q));
    }

    /** The tenant's statement for a month; NOT_FOUND for an unknown tenant. */
    public Statement statement(String tenant, YearMonth month) {
        return jdbi.inTransaction(h -> {
            accounting().requireAccount(h, tenant);
            return statements.statement(h, tenant, month);
        });
    }

    /** What each provider (or only {@code provider}) earned in the month, after fees. */
    public Settlement settlement(YearMonth month, String provider) {
        return jdbi.withHandle(h -> statements.settlement(h, month, provider));
    }

    /** Pays out a provider's net revenue of a month (once; again returns the same amount). */
    public BigDecimal settle(String provider, YearMonth month) {
        return accounting().settle(statements, provider, month);
    }

    /** Recomputes every account from its entries and from the usage records; empty means the books agree. */
    public List<Difference> check() {
        BigDecimal unit = BigDecimal.ONE.movePointLeft(state.money().minorDigits());
        return jdbi.inTransaction(h -> LedgerCheck.run(h, unit));
    }

    /** The configured settings for the simulator and reports. */
    public MeteringConfig settings() {
        return state.metering();
    }

    Duration slice() {
        return Duration.ofSeconds(sliceSeconds());
    }
}
