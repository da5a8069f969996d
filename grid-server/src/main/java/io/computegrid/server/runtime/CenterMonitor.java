package io.computegrid.server.runtime;

import io.computegrid.backend.Backend;
import io.computegrid.backend.BackendException;
import io.computegrid.backend.DiscoveredNode;
import io.computegrid.model.Center;
import io.computegrid.server.events.EventBus;
import io.computegrid.server.federation.Federation;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the remote centers (Slurm, Kubernetes, agents). Each check pings the backend and reads its
 * capacity. A center that fails is DEGRADED at once and DOWN after {@code downAfter}: its jobs are
 * requeued (to resume from their checkpoints elsewhere) and its cards leave the snapshot. When it
 * answers again it is UP, and whatever it still runs for requeued jobs is cancelled there.
 */
public final class CenterMonitor {
    private static final Logger log = LoggerFactory.getLogger(CenterMonitor.class);
    private final Jdbi jdbi;
    private final Federation federation;
    private final BackendRegistry backends;
    private final JobRuntime runtime;
    private final EventBus bus;
    private final Duration downAfter;
    private final Runnable wake;

    public CenterMonitor(Jdbi jdbi, Federation federation, BackendRegistry backends, JobRuntime runtime, EventBus bus,
                         Duration downAfter, Runnable wake) {
        this.jdbi = jdbi;
        this.federation = federation;
        this.backends = backends;
        this.runtime = runtime;
        this.bus = bus;
        this.downAfter = downAfter;
        this.wake = wake;
    }

    /** One round over every remote center. */
    public void checkAll() {
        for (Center c : federation.current().centers()) {
            if ("local".equals(c.backend().type())) {
                continue;
            }
            Optional<Backend> b = backends.get(c.name());
            if (b.isEmpty()) {
                continue;
            }
            try {
                check(c, b.get());
            } catch (RuntimeException e) {
                log.warn("center {}: check failed unexpectedly: {}", c.name(), e.toString());
            }
        }
    }

    /** Checks one center at once (an agent joined, left or fell silent) instead of at the next round. */
    public void checkNow(String center) {
        Optional<Center> c = federation.current().center(center);
        Optional<Backend> b = backends.get(center);
        if (c.isPresent() && b.isPresent()) {
            check(c.get(), b.get());
        }
    }

    void check(Center c, Backend b) {
        try {
            b.ping();
            Optional<List<DiscoveredNode>> nodes = b.discover();
            boolean changed = nodes.isPresent() && applyDiscovery(c, nodes.get());
            healthy(c, b);
            if (changed) {
                federation.reload();
                wake.run();
            }
        } catch (BackendException e) {
            failing(c, e.getMessage());
        }
    }

    /** Writes discovered pools and nodes (for a center whose config declares no pools) and foreign load. */
    private boolean applyDiscovery(Center c, List<DiscoveredNode> nodes) {
        boolean declared = federation.base().center(c.name()).map(x -> !x.pools().isEmpty()).orElse(false);
        return jdbi.inTransaction(h -> {
            int changes = 0;
            if (!declared) {
                Map<String, DiscoveredNode> firstOfPool = new LinkedHashMap<>();
                Map<String, Integer> count = new LinkedHashMap<>();
                for (DiscoveredNode n : nodes) {
                    firstOfPool.putIfAbsent(n.pool(), n);
                    count.merge(n.pool(), 1, Integer::sum);
                }
                for (Map.Entry<String, DiscoveredNode> e : firstOfPool.entrySet()) {
                    DiscoveredNode n = e.getValue();
                    changes += h.createUpdate("""
                            INSERT INTO pools(center, name, accelerator, nodes, cards_per_node, cpu_milli, memory_mib,
                                price_per_card_hour) VALUES (:c, :p, :a, :n, :cards, :cpu, :mem, 0)
                            ON CONFLICT (center, name) DO UPDATE SET accelerator = :a, nodes = :n, cards_per_node = :cards,
                                cpu_milli = :cpu, memory_mib = :mem
                            WHERE pools.nodes <> :n OR pools.cards_per_node <> :cards OR pools.accelerator <> :a""")
                            .bind("c", c.name()).bind("p", e.getKey()).bind("a", n.accelerator())
                            .bind("n", count.get(e.getKey())).bind("cards", n.cards()).bind("cpu", Math.max(1, n.cpuMilli()))
                            .bind("mem", Math.max(1, n.memoryMiB())).execute();
                }
            }
            for (DiscoveredNode n : nodes) {
                String name = c.name() + "-" + n.name();
                changes += h.createUpdate("""
                        INSERT INTO nodes(name, center, pool, accelerator, cards, cpu_milli, memory_mib, schedulable,
                            foreign_busy_cards) VALUES (:name, :c, :p, :a, :cards, :cpu, :mem, :up, :busy)
                        ON CONFLICT (name) DO UPDATE SET cards = :cards, schedulable = :up, foreign_busy_cards = :busy,
                            pool = :p, accelerator = :a, cpu_milli = :cpu, memory_mib = :mem
                        WHERE nodes.cards <> :cards OR nodes.schedulable <> :up OR nodes.foreign_busy_cards <> :busy
                            OR nodes.pool <> :p OR nodes.accelerator <> :a OR nodes.cpu_milli <> :cpu
                            OR nodes.memory_mib <> :mem""")
                        .bind("name", name).bind("c", c.name()).bind("p", n.pool()).bind("a", n.accelerator())
                        .bind("cards", n.cards()).bind("cpu", Math.max(1, n.cpuMilli())).bind("mem", Math.max(1, n.memoryMiB()))
                        .bind("up", n.up()).bind("busy", n.foreignBusyCards()).execute();
            }
            if (!declared) {
                // a node the cluster no longer lists (scaled down, deleted) takes no more work; it comes back if listed again
                changes += h.createUpdate("UPDATE nodes SET schedulable = false WHERE center = :c AND schedulable "
                                + "AND NOT (name = ANY(:present))").bind("c", c.name())
                        .bindArray("present", String.class, nodes.stream().map(n -> c.name() + "-" + n.name()).toList())
                        .execute();
            }
            return changes > 0;
        });
    }

    private void healthy(Center c, Backend b) {
        String before = status(c.name());
        if ("UP".equals(before) && !failingSince(c.name())) {
            return;
        }
        jdbi.useHandle(h -> h.createUpdate("UPDATE centers SET status = 'UP', status_reason = NULL, failing_since = NULL, "
                + "status_since = now() WHERE name = :n").bind("n", c.name()).execute());
        log.info("center {} answers again (was {})", c.name(), before);
        // jobs requeued away from this center must not keep running here
        List<Map<String, Object>> orphans = jdbi.withHandle(h -> h.createQuery(
                "SELECT job_id, attempt, handle FROM orphans WHERE center = :c").bind("c", c.name()).mapToMap().list());
        for (Map<String, Object> o : orphans) {
            long job = ((Number) o.get("job_id")).longValue();
            int attempt = ((Number) o.get("attempt")).intValue();
            try {
                runtime.checkMayAct();
                b.cancel(job, attempt, (String) o.get("handle"), "requeued elsewhere while center " + c.name()
                        + " was down");
                jdbi.useHandle(h -> h.createUpdate("DELETE FROM orphans WHERE job_id = :j AND attempt = :a")
                        .bind("j", job).bind("a", attempt).execute());
                event(job, "ORPHAN_CANCELLED", "attempt " + attempt + " was still known to center " + c.name()
                        + " after it came back; cancelled there (the job was requeued)");
            } catch (BackendException e) {
                log.warn("center {}: cancelling orphan of job {} failed: {}", c.name(), job, e.getMessage());
            }
        }
        wake.run();
    }

    private void failing(Center c, String why) {
        Timestamp since = jdbi.inTransaction(h -> {
            h.createUpdate("""
                    UPDATE centers SET failing_since = COALESCE(failing_since, now()),
                        status = CASE WHEN status = 'DOWN' THEN 'DOWN' ELSE 'DEGRADED' END,
                        status_reason = :r WHERE name = :n""").bind("r", why).bind("n", c.name()).execute();
            return h.createQuery("SELECT failing_since FROM centers WHERE name = :n").bind("n", c.name())
                    .mapTo(Timestamp.class).one();
        });
        log.warn("center {} is not answering: {}", c.name(), why);
        if (!"DOWN".equals(status(c.name()))
                && System.currentTimeMillis() - since.getTime() >= downAfter.toMillis()) {
            markDown(c, why);
        }
    }

    private void markDown(Center c, String why) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE centers SET status = 'DOWN', status_since = now() WHERE name = :n")
                .bind("n", c.name()).execute());
        log.warn("center {} is DOWN after {} without an answer; requeueing its jobs", c.name(), downAfter);
        List<Long> jobs = jdbi.withHandle(h -> h.createQuery(
                        "SELECT id FROM jobs WHERE center = :c AND state IN ('ADMITTED', 'RUNNING')")
                .bind("c", c.name()).mapTo(Long.class).list());
        for (long id : jobs) {
            runtime.requeueFromLostCenter(id, c.name(), "center " + c.name() + " is down (" + why + ")");
        }
        wake.run();
    }

    private void event(long job, String type, String message) {
        EventBus.Batch ev = bus.batch();
        jdbi.useHandle(h -> {
            String tenant = h.createQuery("SELECT tenant FROM jobs WHERE id = :id").bind("id", job).mapTo(String.class).one();
            ev.add(h, job, tenant, type, null, message);
        });
        ev.publish();
    }

    private String status(String center) {
        return jdbi.withHandle(h -> h.createQuery("SELECT status FROM centers WHERE name = :n").bind("n", center)
                .mapTo(String.class).one());
    }

    private boolean failingSince(String center) {
        return jdbi.withHandle(h -> h.createQuery("SELECT failing_since IS NOT NULL FROM centers WHERE name = :n")
                .bind("n", center).mapTo(Boolean.class).one());
    }

}
