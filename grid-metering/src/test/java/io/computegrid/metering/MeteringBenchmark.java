package io.computegrid.metering;

import io.computegrid.metering.statement.Statement;
import io.computegrid.metering.statement.StatementRenderer;
import io.computegrid.metering.usage.UsageInterval;
import io.computegrid.metering.voucher.VoucherRequest;
import io.computegrid.store.Database;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metering benchmark of docs/benchmarks.md (off by default; run with -Dmetering.bench=true):
 * 10,000 running tasks metered in 60 s slices, the CPU it costs (this JVM's thread and the
 * embedded PostgreSQL's processes) as a share of the 60 s slice; then a month's statement for a
 * tenant with 100,000 usage records, built and rendered as JSON, CSV and HTML.
 */
@EnabledIfSystemProperty(named = "metering.bench", matches = "true")
class MeteringBenchmark {
    static final int TASKS = 10_000;
    static final int SLICES = 6;
    static final int TENANTS = 50;

    @TempDir
    Path dir;

    @Test
    void run() throws IOException {
        try (Database db = Database.embedded(dir)) {
            Jdbi jdbi = db.jdbi();
            TestFederation.ManualClock clock = new TestFederation.ManualClock();
            Metering m = new Metering(jdbi, TestFederation.config(), clock);
            for (int t = 0; t < TENANTS; t++) {
                String name = "bt" + t;
                jdbi.useHandle(h -> h.execute("insert into tenants(name) values (?)", name));
                m.topUp(name, new BigDecimal("1000000"), null, null);
                m.issueVoucher(new VoucherRequest(name, "gov", new BigDecimal("500"), new BigDecimal("0.5"), null,
                        TestFederation.T0.plus(Duration.ofDays(90)), List.of(), List.of(), null));
            }
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            Instant start = TestFederation.T0;
            long[] cpu = new long[SLICES];
            long[] pg = new long[SLICES];
            long[] wall = new long[SLICES];
            for (int s = 0; s < SLICES; s++) {
                Instant from = start.plusSeconds(60L * s);
                Instant to = from.plusSeconds(60);
                List<UsageInterval> batch = new ArrayList<>(TASKS);
                for (int i = 0; i < TASKS; i++) {
                    boolean edge = i % 5 == 0;
                    batch.add(new UsageInterval(i + "/0/0/" + from.toEpochMilli(), i, 0, 0, "bt" + (i % TENANTS),
                            edge ? "edge" : "changsha", edge ? "e310" : "a100", edge ? "ascend-310" : "nvidia-a100",
                            1000, 4000, 16384, from, to, i % 3 == 0));
                }
                clock.set(to);
                long pg0 = postgresTicks(dir);
                long c0 = mx.getCurrentThreadCpuTime();
                long w0 = System.nanoTime();
                jdbi.useTransaction(h -> m.recordUsage(h, batch));
                wall[s] = System.nanoTime() - w0;
                cpu[s] = mx.getCurrentThreadCpuTime() - c0;
                pg[s] = (postgresTicks(dir) - pg0) * 10_000_000L; // 100 ticks per second
            }
            // the first slice warms the JIT and the database caches; report the steady ones
            double jvm = avg(cpu, 1) / 1e9;
            double db1 = avg(pg, 1) / 1e9;
            double w = avg(wall, 1) / 1e9;
            System.out.printf("METERING-BENCH slice: tasks=%d jvmCpuSeconds=%.3f postgresCpuSeconds=%.3f "
                            + "wallSeconds=%.3f jvmShareOfSlice=%.4f totalCpuShareOfSlice=%.4f wallShareOfSlice=%.4f%n",
                    TASKS, jvm, db1, w, jvm / 60, (jvm + db1) / 60, w / 60);
            if (!m.check().isEmpty()) {
                throw new AssertionError("ledger check failed after the slice benchmark");
            }

            // a month of 100,000 records for one tenant (1,000 jobs x 100 slices)
            String tenant = "bt0";
            for (int b = 0; b < 10; b++) {
                List<UsageInterval> batch = new ArrayList<>(10_000);
                for (int i = 0; i < 10_000; i++) {
                    int job = 100_000 + b * 100 + i / 100;
                    Instant from = start.plus(Duration.ofDays(1)).plusSeconds(60L * (i % 100));
                    batch.add(new UsageInterval("m/" + job + "/" + i, job, 0, 0, tenant, "changsha", "a100",
                            "nvidia-a100", 1000, 1000, 1024, from, from.plusSeconds(60), false));
                }
                jdbi.useTransaction(h -> m.recordUsage(h, batch));
            }
            long best = Long.MAX_VALUE;
            int size = 0;
            for (int r = 0; r < 3; r++) {
                long t0 = System.nanoTime();
                Statement st = m.statement(tenant, YearMonth.of(2026, 3));
                size = StatementRenderer.json(st).length() + StatementRenderer.csv(st).length()
                        + StatementRenderer.html(st).length();
                best = Math.min(best, System.nanoTime() - t0);
                if (st.records() < 100_000) {
                    throw new AssertionError("statement covers " + st.records() + " records");
                }
            }
            System.out.printf("METERING-BENCH statement: records>=100000 renderSeconds=%.3f shareOf2s=%.3f bytes=%d%n",
                    best / 1e9, best / 1e9 / 2, size);
        }
    }

    static double avg(long[] xs, int skip) {
        long s = 0;
        for (int i = skip; i < xs.length; i++) {
            s += xs[i];
        }
        return (double) s / (xs.length - skip);
    }

    /** utime + stime (clock ticks) of every process whose command line names the database directory. */
    static long postgresTicks(Path dataDir) throws IOException {
        long total = 0;
        String needle = dataDir.toString();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline")));
                    if (!cmd.contains(needle) && !isChildOfPostmaster(p, needle)) {
                        continue;
                    }
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            }
        }
        return total;
    }

    /** PostgreSQL backends rename themselves ("postgres: user db ..."); count them through their parent. */
    static boolean isChildOfPostmaster(Path proc, String needle) throws IOException {
        String stat = Files.readString(proc.resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        Path parent = Path.of("/proc", f[1], "cmdline");
        return Files.exists(parent) && new String(Files.readAllBytes(parent)).contains(needle);
    }
}
