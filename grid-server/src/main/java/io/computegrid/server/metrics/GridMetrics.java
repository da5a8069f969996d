package io.computegrid.server.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;

/**
 * Prometheus metrics: jobs by state, queue length, cards allocated and idle per center and model,
 * scheduling cycle phases, API latency. Gauges that need the database are refreshed by
 * {@link #refresh()} (called on scrape and periodically), not per request.
 */
public final class GridMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Jdbi jdbi;
    private final MultiGauge jobsByState;
    private final MultiGauge cardsAllocated;
    private final MultiGauge cardsIdle;
    private final AtomicLong queueLength = new AtomicLong();
    private final Timer snapshotTimer;
    private final Timer scheduleTimer;
    private final Timer commitTimer;

    public GridMetrics(Jdbi jdbi) {
        this.jdbi = jdbi;
        jobsByState = MultiGauge.builder("grid_jobs").description("Jobs by state").register(registry);
        cardsAllocated = MultiGauge.builder("grid_cards_allocated").description("Cards held by jobs")
                .register(registry);
        cardsIdle = MultiGauge.builder("grid_cards_idle").description("Schedulable cards not held by any job")
                .register(registry);
        Gauge.builder("grid_queue_length", queueLength, AtomicLong::get).description("Pending jobs")
                .register(registry);
        snapshotTimer = cycleTimer("snapshot");
        scheduleTimer = cycleTimer("schedule");
        commitTimer = cycleTimer("commit");
    }

    private Timer cycleTimer(String phase) {
        return Timer.builder("grid_scheduling_cycle").tag("phase", phase)
                .description("Duration of the phases of a scheduling cycle").publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    public void cycle(long snapshotNanos, long scheduleNanos, long commitNanos, int pending) {
        snapshotTimer.record(snapshotNanos, TimeUnit.NANOSECONDS);
        scheduleTimer.record(scheduleNanos, TimeUnit.NANOSECONDS);
        commitTimer.record(commitNanos, TimeUnit.NANOSECONDS);
        queueLength.set(pending);
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Timer> requestTimers =
            new java.util.concurrent.ConcurrentHashMap<>();

    public void request(String method, String route, int status, long nanos) {
        requestTimers.computeIfAbsent(method + " " + route + " " + status, k -> Timer.builder("grid_api_request")
                .tag("method", method).tag("route", route).tag("status", Integer.toString(status))
                .publishPercentiles(0.5, 0.99).register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void refresh() {
        jdbi.useHandle(h -> {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            h.createQuery("SELECT state, count(*) AS n FROM jobs GROUP BY state").map((rs, c) -> {
                rows.add(MultiGauge.Row.of(Tags.of("state", rs.getString("state")), rs.getLong("n")));
                return 0;
            }).list();
            jobsByState.register(rows, true);
            List<MultiGauge.Row<?>> alloc = new ArrayList<>();
            List<MultiGauge.Row<?>> idle = new ArrayList<>();
            h.createQuery("""
                    SELECT n.center, n.accelerator,
                           sum(n.cards) FILTER (WHERE n.schedulable AND c.status <> 'DOWN') AS total,
                           COALESCE(sum(a.milli), 0) / 1000.0 AS used
                    FROM nodes n JOIN centers c ON c.name = n.center
                    LEFT JOIN (SELECT node, sum(milli) AS milli FROM card_allocations GROUP BY node) a ON a.node = n.name
                    GROUP BY n.center, n.accelerator""").map((rs, c) -> {
                Tags t = Tags.of("center", rs.getString("center"), "accelerator", rs.getString("accelerator"));
                double used = rs.getDouble("used");
                alloc.add(MultiGauge.Row.of(t, used));
                idle.add(MultiGauge.Row.of(t, Math.max(0, rs.getDouble("total") - used)));
                return 0;
            }).list();
            cardsAllocated.register(alloc, true);
            cardsIdle.register(idle, true);
        });
    }

    public String scrape() {
        refresh();
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }
}
