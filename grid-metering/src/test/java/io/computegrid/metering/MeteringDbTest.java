package io.computegrid.metering;

import static io.computegrid.metering.TestFederation.T0;
import static io.computegrid.metering.TestFederation.a100;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.metering.budget.Overrun;
import io.computegrid.metering.budget.RunningJob;
import io.computegrid.metering.ledger.Accounts;
import io.computegrid.metering.ledger.LedgerStore;
import io.computegrid.metering.price.PriceEntry;
import io.computegrid.metering.statement.Statement;
import io.computegrid.metering.statement.StatementRenderer;
import io.computegrid.metering.usage.UsageInterval;
import io.computegrid.metering.usage.UsageQuery;
import io.computegrid.metering.usage.UsageRecord;
import io.computegrid.metering.voucher.Voucher;
import io.computegrid.metering.voucher.VoucherRequest;
import io.computegrid.model.AcceleratorChoice;
import io.computegrid.model.JobSpec;
import io.computegrid.model.TaskResources;
import io.computegrid.store.Database;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The economic layer against a real (embedded) PostgreSQL, one per class. */
class MeteringDbTest {
    @TempDir
    static Path dir;
    static Database db;
    static Jdbi jdbi;
    static TestFederation.ManualClock clock;
    static Metering metering;

    @BeforeAll
    static void start() {
        db = Database.embedded(dir);
        jdbi = db.jdbi();
        clock = new TestFederation.ManualClock();
        metering = new Metering(jdbi, TestFederation.config(), clock);
    }

    @AfterAll
    static void stop() {
        assertThat(metering.check()).isEmpty();
        db.close();
    }

    static void tenant(String name) {
        jdbi.useHandle(h -> h.execute("insert into tenants(name) values (?) on conflict do nothing", name));
    }

    static BigDecimal balance(String account) {
        return jdbi.withHandle(h -> new LedgerStore().balance(h, account));
    }

    static java.util.Optional<String> admit(String tenant, BigDecimal estimate) {
        return jdbi.inTransaction(h -> metering.admissionBlock(h, tenant, estimate));
    }

    static List<UsageRecord> record(UsageInterval... us) {
        return jdbi.inTransaction(h -> metering.recordUsage(h, List.of(us)));
    }

    @Test
    void usageIsPricedChargedToVouchersThenBalanceAndDuplicatesAreIgnored() {
        tenant("t1");
        clock.set(T0);
        metering.topUp("t1", new BigDecimal("100"), "CNY", null);
        Voucher v = metering.issueVoucher(new VoucherRequest("t1", "gov-hunan", new BigDecimal("30"), null, null,
                T0.plus(Duration.ofDays(30)), List.of(), List.of(), null));
        // 1 card, 1 cpu, 1 GiB for one hour at 36/card-hour: 36.00, fee 10% = 3.60
        Instant end = T0.plusSeconds(3600);
        UsageInterval u = a100("t1", 1, 0, T0, end);
        List<UsageRecord> r = record(u);
        assertThat(r).hasSize(1);
        assertThat(r.get(0).cost()).isEqualByComparingTo("36.00");
        assertThat(r.get(0).paidByVouchers()).isEqualByComparingTo("30.00");
        assertThat(r.get(0).paidByBalance()).isEqualByComparingTo("6.00");
        assertThat(r.get(0).fee()).isEqualByComparingTo("3.60");
        assertThat(r.get(0).cardSeconds()).isEqualByComparingTo("3600");
        assertThat(r.get(0).pflopSeconds()).isEqualByComparingTo("1123.2"); // 0.312 PFLOPS x 3600 s
        assertThat(r.get(0).provider()).isEqualTo("hunan-telecom");
        // the same key again, and an overlapping re-report under another key: nothing new
        assertThat(record(u)).isEmpty();
        UsageInterval again = new UsageInterval("other-key", 1, 0, 0, "t1", "changsha", "a100", "nvidia-a100", 1000,
                1000, 1024, T0.plusSeconds(1800), end, false);
        assertThat(record(again)).isEmpty();
        // a later slice that overlaps is clamped to what was not metered yet
        UsageInterval next = new UsageInterval("next", 1, 0, 0, "t1", "changsha", "a100", "nvidia-a100", 1000,
                1000, 1024, end.minusSeconds(60), end.plusSeconds(60), false);
        List<UsageRecord> n = record(next);
        assertThat(n).hasSize(1);
        assertThat(n.get(0).from()).isEqualTo(end);
        assertThat(n.get(0).cost()).isEqualByComparingTo("0.60");
        assertThat(metering.account("t1").balance()).isEqualByComparingTo("93.40");
        assertThat(metering.voucher(v.id()).remaining()).isEqualByComparingTo("0");
        BigDecimal provider = balance(Accounts.provider("hunan-telecom"));
        assertThat(provider).isGreaterThanOrEqualTo(new BigDecimal("32.94")); // (36 + 0.6) x 0.9, other tests add
        assertThat(metering.check()).isEmpty();
    }

    @Test
    void aRolledBackTransactionLeavesNoUsageAndTheReplayCountsOnce() {
        tenant("t2");
        metering.topUp("t2", new BigDecimal("10"), null, null);
        UsageInterval u = a100("t2", 2, 0, T0, T0.plusSeconds(60));
        assertThatThrownBy(() -> jdbi.useTransaction(h -> {
            metering.recordUsage(h, u);
            throw new IllegalStateException("crash before commit");
        })).hasMessageContaining("crash");
        assertThat(metering.usage(new UsageQuery("t2", null, null, null, 0, 10))).isEmpty();
        assertThat(metering.account("t2").balance()).isEqualByComparingTo("10");
        record(u);
        record(u);
        assertThat(metering.usage(new UsageQuery("t2", null, null, null, 0, 10))).hasSize(1);
        assertThat(metering.account("t2").balance()).isEqualByComparingTo("9.40");
    }

    @Test
    void voucherScopeShareAndExpiry() {
        tenant("t3");
        metering.topUp("t3", new BigDecimal("50"), null, null);
        Voucher edgeOnly = metering.issueVoucher(new VoucherRequest("t3", null, new BigDecimal("20"), null, T0,
                T0.plus(Duration.ofDays(10)), List.of("edge"), List.of(), "k-edge"));
        Voucher half = metering.issueVoucher(new VoucherRequest("t3", "lab-fund", new BigDecimal("20"),
                new BigDecimal("0.5"), T0, T0.plus(Duration.ofDays(20)), List.of(), List.of("nvidia-a100"), null));
        // the same idempotency key returns the first voucher
        assertThat(metering.issueVoucher(new VoucherRequest("t3", null, new BigDecimal("20"), null, T0,
                T0.plus(Duration.ofDays(10)), List.of("edge"), List.of(), "k-edge")).id()).isEqualTo(edgeOnly.id());
        UsageRecord r = record(a100("t3", 3, 0, T0, T0.plusSeconds(1000))).get(0); // 10.00
        assertThat(r.paidByVouchers()).isEqualByComparingTo("5.00");
        assertThat(r.paidByBalance()).isEqualByComparingTo("5.00");
        assertThat(metering.voucher(edgeOnly.id()).remaining()).isEqualByComparingTo("20");
        clock.set(T0.plus(Duration.ofDays(15)));
        assertThat(metering.expireDueVouchers()).isGreaterThanOrEqualTo(1);
        assertThat(metering.voucher(edgeOnly.id()).state()).isEqualTo(Voucher.State.EXPIRED);
        BigDecimal issuer = balance(Accounts.issuer("lab-fund"));
        assertThat(issuer).isEqualByComparingTo("-20");
        Voucher expired = metering.expireVoucher(half.id());
        assertThat(expired.state()).isEqualTo(Voucher.State.EXPIRED);
        assertThat(balance(Accounts.issuer("lab-fund")))
                .isEqualByComparingTo("-5.00");
        assertThat(metering.expireVoucher(half.id()).remaining()).isEqualByComparingTo("0");
        clock.set(T0);
        assertThat(metering.check()).isEmpty();
    }

    @Test
    void badInputIsRefusedAndChangesNothing() {
        tenant("t4");
        assertThatThrownBy(() -> metering.topUp("t4", new BigDecimal("5"), "USD", null))
                .isInstanceOf(MeteringException.class).hasMessageContaining("USD");
        assertThatThrownBy(() -> metering.topUp("nobody", new BigDecimal("5"), null, null))
                .isInstanceOfSatisfying(MeteringException.class,
                        e -> assertThat(e.kind()).isEqualTo(MeteringException.Kind.NOT_FOUND));
        assertThatThrownBy(() -> metering.topUp("t4", new BigDecimal("-5"), null, null)).hasMessageContaining("positive");
        assertThatThrownBy(() -> metering.topUp("t4", new BigDecimal("1.234"), null, null))
                .hasMessageContaining("decimal places");
        assertThatThrownBy(() -> metering.issueVoucher(new VoucherRequest("t4", null, null, null, null, null,
                List.of(), List.of(), null))).hasMessageContaining("needs an amount");
        assertThatThrownBy(() -> metering.issueVoucher(new VoucherRequest("t4", null, BigDecimal.TEN, null,
                T0.plusSeconds(100), T0.plusSeconds(50), List.of(), List.of(), null))).hasMessageContaining("after");
        assertThatThrownBy(() -> metering.issueVoucher(new VoucherRequest("t4", null, BigDecimal.TEN,
                new BigDecimal("1.5"), null, null, List.of(), List.of(), null))).hasMessageContaining("share");
        assertThatThrownBy(() -> metering.statement("nobody", YearMonth.of(2026, 3)))
                .isInstanceOfSatisfying(MeteringException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
        assertThat(metering.account("t4").balance()).isEqualByComparingTo("0");
        assertThat(metering.vouchers("t4")).isEmpty();
    }

    @Test
    void priceChangesApplyFromTheirDateAndOverlapsAreRefused() {
        tenant("t5");
        clock.set(T0);
        metering.topUp("t5", new BigDecimal("1000"), null, null);
        Instant change = T0.plusSeconds(1800);
        PriceEntry p = metering.setPrice(new PriceEntry(0, "edge", "e310", null, new BigDecimal("7.2"), null, null,
                null, change, null, PriceEntry.Source.API), "op");
        assertThat(p.id()).isPositive();
        // half an hour at the list price 3.6, half an hour at 7.2
        UsageInterval u = new UsageInterval("t5-1", 5, 0, 0, "t5", "edge", "e310", "ascend-310", 1000, 0, 0, T0,
                T0.plusSeconds(3600), false);
        assertThat(record(u).get(0).cost()).isEqualByComparingTo("5.40");
        // a later change closes the open period; one inside a closed period is refused; the past is refused
        metering.setPrice(new PriceEntry(0, "edge", "e310", null, new BigDecimal("9"), null, null, null,
                T0.plusSeconds(7200), T0.plusSeconds(9000), PriceEntry.Source.API), "op");
        assertThatThrownBy(() -> metering.setPrice(new PriceEntry(0, "edge", "e310", null, new BigDecimal("1"), null,
                null, null, T0.plusSeconds(8000), null, PriceEntry.Source.API), "op"))
                .isInstanceOfSatisfying(MeteringException.class,
                        e -> assertThat(e.kind()).isEqualTo(MeteringException.Kind.CONFLICT));
        clock.set(T0.plusSeconds(100_000));
        assertThatThrownBy(() -> metering.setPrice(new PriceEntry(0, "edge", "e310", null, BigDecimal.ONE, null, null,
                null, T0, null, PriceEntry.Source.API), "op")).hasMessageContaining("past");
        clock.set(T0);
        assertThat(metering.prices()).extracting(PriceEntry::onDemand).anySatisfy(x ->
                assertThat(x).isEqualByComparingTo("9"));
    }

    @Test
    void admissionAndOverrunsUseBalanceVouchersBudgets() {
        tenant("t6");
        clock.set(T0);
        JobSpec spec = new JobSpec("train", "t6", null, 2, new TaskResources(List.of(AcceleratorChoice.of("nvidia-a100")),
                1000, 1000, 1024), List.of("true"), null, Duration.ofHours(2), null, false, null, null, null);
        var quote = metering.quote("t6", spec);
        assertThat(quote.center()).isEqualTo("changsha");
        assertThat(quote.estimatedCost()).isEqualByComparingTo("144.00");
        assertThat(admit("t6", quote.estimatedCost()))
                .hasValueSatisfying(m -> assertThat(m).contains("no funds left"));
        metering.topUp("t6", new BigDecimal("100"), null, null);
        assertThat(admit("t6", quote.estimatedCost()))
                .hasValueSatisfying(m -> assertThat(m).contains("144.00 CNY exceeds").contains("100.00 CNY"));
        metering.updateAccount(new MeteringConfig.AccountSettings("t6", new BigDecimal("50"), new BigDecimal("140"),
                MeteringConfig.Overrun.STOP));
        assertThat(admit("t6", quote.estimatedCost()))
                .hasValueSatisfying(m -> assertThat(m).contains("monthly budget"));
        assertThat(admit("t6", new BigDecimal("100"))).isEmpty();
        // running work eats the funds: 150 of usage leaves balance -50 = -credit limit
        record(new UsageInterval("t6-a", 6, 0, 0, "t6", "changsha", "a100", "nvidia-a100", 1000, 0, 0, T0,
                T0.plusSeconds(15_000), false));
        metering.topUp("acme", new BigDecimal("1000"), null, null);
        // job 8 runs on a pool nobody priced: free work is admitted without funds, so it is not stopped for them
        List<Overrun> o = jdbi.inTransaction(h -> metering.overruns(h, List.of(new RunningJob(6, "t6"),
                new RunningJob(7, "acme"), new RunningJob(8, "t6", null, "changsha", "donated", "nvidia-a100", false),
                new RunningJob(9, "t6", null, "changsha", "a100", "nvidia-a100", true))));
        assertThat(o).extracting(Overrun::jobId).containsExactly(6L, 9L);
        assertThat(o).first().satisfies(x -> {
            assertThat(x.jobId()).isEqualTo(6);
            assertThat(x.stop()).isTrue();
            assertThat(x.reason()).contains("out of funds");
        });
        assertThat(admit("t6", new BigDecimal("0.01"))).isPresent();
    }

    @Test
    void statementAndSettlementAddUp() {
        tenant("t7");
        clock.set(T0);
        metering.topUp("t7", new BigDecimal("500"), null, null);
        metering.issueVoucher(new VoucherRequest("t7", "gov", new BigDecimal("10"), null, T0,
                T0.plus(Duration.ofDays(60)), List.of(), List.of(), null));
        for (int i = 0; i < 5; i++) {
            Instant f = T0.plusSeconds(60L * i);
            record(a100("t7", 70 + i % 2, 0, f, f.plusSeconds(60)));
        }
        record(new UsageInterval("t7-edge", 72, 0, 0, "t7", "edge", "e310", "ascend-310", 500, 0, 0,
                T0.plusSeconds(86_400), T0.plusSeconds(90_000), true)); // after the price periods of another test
        Statement s = metering.statement("t7", YearMonth.of(2026, 3));
        assertThat(s.total()).isEqualByComparingTo(s.paidByVouchers().add(s.paidByBalance()));
        assertThat(s.total()).isEqualByComparingTo("4.26"); // 5 x 0.60 + 0.5 card x 3.6 x 0.7 (preemptible) = 1.26
        assertThat(s.paidByVouchers()).isEqualByComparingTo("4.26");
        assertThat(s.lines()).hasSize(3);
        assertThat(s.records()).isEqualTo(6);
        assertThat(s.closingBalance()).isEqualByComparingTo(s.openingBalance().add(s.topUps()).subtract(s.paidByBalance()));
        assertThat(s.vouchers()).singleElement().satisfies(v -> assertThat(v.used()).isEqualByComparingTo("4.26"));
        assertThat(StatementRenderer.json(s)).contains("\"total\":4.26").contains("\"currency\":\"CNY\"")
                .contains("\"paidByVouchers\"").contains("\"lines\"");
        assertThat(StatementRenderer.csv(s).lines()).hasSize(5);
        assertThat(StatementRenderer.html(s)).contains("<table").contains("t7");
        var settlement = metering.settlement(YearMonth.of(2026, 3), "hunan-telecom");
        var p = settlement.providers().get(0);
        assertThat(p.net()).isEqualByComparingTo(p.gross().subtract(p.fees()));
        assertThat(p.lines()).anySatisfy(l -> assertThat(l.tenant()).isEqualTo("t7"));
        assertThatThrownBy(() -> metering.settle("hunan-telecom", YearMonth.of(2026, 3)))
                .hasMessageContaining("not ended");
        clock.set(Instant.parse("2026-04-02T00:00:00Z"));
        BigDecimal paid = metering.settle("hunan-telecom", YearMonth.of(2026, 3));
        assertThat(metering.settle("hunan-telecom", YearMonth.of(2026, 3))).isEqualByComparingTo(paid);
        assertThat(metering.settlement(YearMonth.of(2026, 3), "hunan-telecom").providers().get(0).settled())
                .isEqualByComparingTo(paid);
        clock.set(T0);
    }
}
