package io.computegrid.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.metering.ledger.TenantAccount;
import io.computegrid.metering.money.Money;
import io.computegrid.metering.price.PriceEntry;
import io.computegrid.metering.usage.UsageInterval;
import io.computegrid.metering.usage.UsageQuery;
import io.computegrid.metering.usage.UsageRecord;
import io.computegrid.metering.voucher.Voucher;
import io.computegrid.metering.voucher.VoucherRequest;
import io.computegrid.model.AcceleratorChoice;
import io.computegrid.model.JobSpec;
import io.computegrid.model.TaskResources;
import io.computegrid.store.Database;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.jdbi.v3.core.Jdbi;

/**
 * The economic layer's invariants over random histories of starts, slices, finishes,
 * preemptions, cancels, price changes, voucher issues and expiries, top-ups, crashes (a rolled
 * back transaction) and restarts (a new Metering over the same database, the last batch
 * delivered again). One embedded PostgreSQL for the class; each try uses fresh tenants and jobs.
 */
class LedgerInvariantTest {
    static Path dir;
    static Database db;
    static Jdbi jdbi;
    static final AtomicInteger TRY = new AtomicInteger();
    static final Money CNY = new Money("CNY");
    static final BigDecimal LIST_A100 = new BigDecimal("36");
    static final BigDecimal LIST_E310 = new BigDecimal("3.6");

    @BeforeContainer
    static void start() throws IOException {
        dir = Files.createTempDirectory("metering-props");
        db = Database.embedded(dir);
        jdbi = db.jdbi();
    }

    @AfterContainer
    static void stop() throws IOException {
        db.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    sealed interface Action permits Start, Advance, Slice, Stop, PriceChange, IssueVoucher, ExpireDue, TopUp, Crash,
            Restart {
    }

    record Start(int tenant, boolean edge, int milliCards, boolean preemptible, int runtimeMinutes) implements Action {
    }

    record Advance(int seconds) implements Action {
    }

    record Slice() implements Action {
    }

    /** Finish, preemption, cancel, failure or lost node: the interval closes the same way. */
    record Stop(int which) implements Action {
    }

    record PriceChange(int cents) implements Action {
    }

    record IssueVoucher(int tenant, int cents, int sharePercent, boolean edgeOnly, boolean a100Only, int seconds)
            implements Action {
    }

    record ExpireDue() implements Action {
    }

    record TopUp(int tenant, int cents) implements Action {
    }

    record Crash() implements Action {
    }

    record Restart() implements Action {
    }

    @Provide
    Arbitrary<List<Action>> histories() {
        Arbitrary<Action> start = Combinators.combine(Arbitraries.integers().between(0, 1), Arbitraries.of(true, false),
                Arbitraries.of(250, 500, 1000, 2000, 8000), Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 120)).as(Start::new);
        Arbitrary<Action> advance = Arbitraries.integers().between(1, 900).map(Advance::new);
        Arbitrary<Action> stop = Arbitraries.integers().between(0, 20).map(Stop::new);
        Arbitrary<Action> price = Arbitraries.integers().between(0, 10_000).map(PriceChange::new);
        Arbitrary<Action> voucher = Combinators.combine(Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(1, 5_000), Arbitraries.of(100, 100, 50, 25),
                Arbitraries.of(false, false, true), Arbitraries.of(false, true),
                Arbitraries.integers().between(60, 7200)).as(IssueVoucher::new);
        Arbitrary<Action> topUp = Combinators.combine(Arbitraries.integers().between(0, 1),
                Arbitraries.integers().between(1, 20_000)).as(TopUp::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, start), net.jqwik.api.Tuple.of(6, advance),
                net.jqwik.api.Tuple.of(5, Arbitraries.just(new Slice())), net.jqwik.api.Tuple.of(3, stop),
                net.jqwik.api.Tuple.of(3, price), net.jqwik.api.Tuple.of(2, voucher),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new ExpireDue())), net.jqwik.api.Tuple.of(2, topUp),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Crash())),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new Restart())))
                .list().ofMinSize(25).ofMaxSize(60);
    }

    /** A task the model knows is running or ran: what has been metered for it so far. */
    static final class Task {
        final long job;
        final String tenant;
        final boolean edge;
        final int milliCards;
        final boolean preemptible;
        final Instant start;
        Instant metered;
        boolean running = true;

        Task(long job, String tenant, boolean edge, int milliCards, boolean preemptible, Instant start) {
            this.job = job;
            this.tenant = tenant;
            this.edge = edge;
            this.milliCards = milliCards;
            this.preemptible = preemptible;
            this.start = start;
            this.metered = start;
        }

        UsageInterval until(Instant to) {
            return new UsageInterval(job + "/0/0/" + metered.toEpochMilli(), job, 0, 0, tenant,
                    edge ? "edge" : "changsha", edge ? "e310" : "a100", edge ? "ascend-310" : "nvidia-a100",
                    milliCards, 500, 2048, metered, to, preemptible);
        }
    }

    @Property(tries = 10, seed = "20261123")
    void theBooksAlwaysBalance(@ForAll("histories") List<Action> history) {
        int t = TRY.incrementAndGet();
        String[] tenants = {"pa" + t, "pb" + t};
        TestFederation.ManualClock clock = new TestFederation.ManualClock();
        clock.set(TestFederation.T0.plus(Duration.ofDays(40L * t))); // each try in its own time, after earlier prices
        for (String name : tenants) {
            jdbi.useHandle(h -> h.execute("insert into tenants(name) values (?)", name));
        }
        Metering[] m = {new Metering(jdbi, TestFederation.config(), clock)};
        m[0].updateAccount(new MeteringConfig.AccountSettings(tenants[0], new BigDecimal("300"), null, null));
        m[0].topUp(tenants[1], new BigDecimal("200"), null, null);
        List<Task> tasks = new ArrayList<>();
        // the changsha/a100 price history the model expects: (from, price per card-hour)
        List<Map.Entry<Instant, BigDecimal>> a100Prices = new ArrayList<>();
        // earlier tries may have left an open a100 price: start this one from the list price again
        m[0].setPrice(new PriceEntry(0, "changsha", "a100", null, LIST_A100, null, null, null, clock.now(), null,
                PriceEntry.Source.API), "prop");
        a100Prices.add(Map.entry(Instant.EPOCH, LIST_A100));
        List<UsageInterval> lastBatch = List.of();
        long jobBase = t * 1_000_000L;
        for (Action a : history) {
            Instant now = clock.now();
            if (a instanceof Start s) {
                String tenant = tenants[s.tenant()];
                JobSpec spec = new JobSpec("j", tenant, null, 1, new TaskResources(List.of(AcceleratorChoice.of(
                        s.edge() ? "ascend-310" : "nvidia-a100")), s.milliCards(), 500, 2048), List.of("x"), null,
                        Duration.ofMinutes(s.runtimeMinutes()), null, s.preemptible(), null, null,
                        List.of(s.edge() ? "edge" : "changsha"));
                BigDecimal estimate = m[0].quote(tenant, spec).admissionAmount();
                Optional<String> block = jdbi.inTransaction(h -> m[0].admissionBlock(h, tenant, estimate));
                if (block.isEmpty()) {
                    // admitted: the funds (computed here independently) cover the estimate
                    TenantAccount acct = m[0].account(tenant);
                    BigDecimal vouchers = m[0].vouchers(tenant).stream()
                            .filter(v -> v.state() == Voucher.State.ACTIVE && !now.isBefore(v.validFrom())
                                    && now.isBefore(v.validTo()))
                            .map(Voucher::remaining).reduce(BigDecimal.ZERO, BigDecimal::add);
                    assertThat(acct.balance().add(acct.creditLimit()).add(vouchers)).isGreaterThanOrEqualTo(estimate);
                    tasks.add(new Task(jobBase + tasks.size(), tenant, s.edge(), s.milliCards(), s.preemptible(),
                            now));
                } else {
                    assertThat(block.get()).contains(tenant);
                }
            } else if (a instanceof Advance adv) {
                clock.set(now.plusSeconds(adv.seconds()));
            } else if (a instanceof Slice s) {
                List<UsageInterval> batch = tasks.stream().filter(x -> x.running).map(x -> x.until(now)).toList();
                jdbi.useTransaction(h -> m[0].recordUsage(h, batch));
                tasks.stream().filter(x -> x.running).forEach(x -> x.metered = now);
                lastBatch = batch;
            } else if (a instanceof Stop s) {
                List<Task> running = tasks.stream().filter(x -> x.running).toList();
                if (!running.isEmpty()) {
                    Task x = running.get(s.which() % running.size());
                    UsageInterval last = x.until(now);
                    jdbi.useTransaction(h -> m[0].recordUsage(h, last));
                    x.metered = now;
                    x.running = false;
                    lastBatch = List.of(last);
                }
            } else if (a instanceof PriceChange p) {
                Instant from = now.plusSeconds(1);
                clock.set(from);
                BigDecimal price = BigDecimal.valueOf(p.cents(), 2);
                m[0].setPrice(new PriceEntry(0, "changsha", "a100", null, price, null, null, null, from, null,
                        PriceEntry.Source.API), "prop");
                a100Prices.add(Map.entry(from, price));
            } else if (a instanceof IssueVoucher v) {
                m[0].issueVoucher(new VoucherRequest(tenants[v.tenant()], "gov",
                    BigDecimal.valueOf(v.cents(), 2), BigDecimal.valueOf(v.sharePercent(), 2), now,
                    now.plusSeconds(v.seconds()), v.edgeOnly() ? List.of("edge") : List.of(),
                    v.a100Only() ? List.of("nvidia-a100") : List.of(), null));
            } else if (a instanceof ExpireDue e) {
                m[0].expireDueVouchers();
            } else if (a instanceof TopUp u) {
                m[0].topUp(tenants[u.tenant()], BigDecimal.valueOf(u.cents(), 2), "CNY", null);
            } else if (a instanceof Crash c) {
                // a slice whose transaction dies before commit: nothing of it may remain
                List<UsageInterval> batch = tasks.stream().filter(x -> x.running).map(x -> x.until(now)).toList();
                try {
                    jdbi.useTransaction(h -> {
                        m[0].recordUsage(h, batch);
                        throw new IllegalStateException("crash");
                    });
                } catch (IllegalStateException expected) {
                    // the model does not advance: the next slice re-covers this time
                }
            } else if (a instanceof Restart r) {
                m[0] = new Metering(jdbi, TestFederation.config(), clock);
                List<UsageInterval> again = lastBatch;
                jdbi.useTransaction(h -> m[0].recordUsage(h, again)); // delivered twice: ignored
            }
        }

        // 1. the ledger balances and every account equals its entries and the usage records
        assertThat(m[0].check()).isEmpty();
        for (String tenant : tenants) {
            List<UsageRecord> records = m[0].usage(new UsageQuery(tenant, null, null, null, 0, 10_000));
            Map<Long, Long> millisPerJob = new HashMap<>();
            for (UsageRecord r : records) {
                millisPerJob.merge(r.jobId(), r.millis(), Long::sum);
                // 2. each charge is the priced usage, with price changes applied from their instant
                assertThat(r.cost()).as("cost of %s", r.key()).isEqualByComparingTo(expectedCost(r, a100Prices));
                assertThat(r.paidByVouchers().add(r.paidByBalance())).isEqualByComparingTo(r.cost());
            }
            // 3. no interval counted twice or lost: each task's records tile exactly what was metered
            for (Task x : tasks) {
                if (x.tenant.equals(tenant)) {
                    long expected = x.metered.toEpochMilli() - x.start.toEpochMilli();
                    assertThat(millisPerJob.getOrDefault(x.job, 0L)).as("metered millis of job %d", x.job)
                            .isEqualTo(expected);
                }
            }
            // 4. vouchers: never beyond their amount, never negative
            for (Voucher v : m[0].vouchers(tenant)) {
                assertThat(v.remaining()).isBetween(BigDecimal.ZERO, v.amount());
            }
        }
    }

    /** The reference price: exact card-hours x the price in force at each instant, rounded half-even once. */
    static BigDecimal expectedCost(UsageRecord r, List<Map.Entry<Instant, BigDecimal>> a100Prices) {
        BigDecimal exact = BigDecimal.ZERO;
        if (r.center().equals("edge")) {
            exact = rate(LIST_E310, r.preemptible()).multiply(BigDecimal.valueOf((long) r.milliCards() * r.millis()));
        } else {
            for (int i = 0; i < a100Prices.size(); i++) {
                Instant a = a100Prices.get(i).getKey();
                Instant b = i + 1 < a100Prices.size() ? a100Prices.get(i + 1).getKey() : Instant.MAX;
                long from = Math.max(a.toEpochMilli(), r.from().toEpochMilli());
                long to = Math.min(b == Instant.MAX ? Long.MAX_VALUE : b.toEpochMilli(), r.to().toEpochMilli());
                if (to > from) {
                    exact = exact.add(rate(a100Prices.get(i).getValue(), r.preemptible())
                            .multiply(BigDecimal.valueOf((long) r.milliCards() * (to - from))));
                }
            }
        }
        return exact.divide(new BigDecimal("3600000000"), 2, RoundingMode.HALF_EVEN);
    }

    static BigDecimal rate(BigDecimal price, boolean preemptible) {
        return preemptible ? price.multiply(new BigDecimal("0.7")).setScale(6, RoundingMode.HALF_EVEN) : price;
    }
}
