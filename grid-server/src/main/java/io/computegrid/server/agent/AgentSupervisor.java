package io.computegrid.server.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes silent agents out: an agent that has not reported for its center's {@code downAfter} is DOWN, its node
 * leaves scheduling and its jobs are requeued (their attempts remembered as orphans, cancelled on every agent that
 * holds a part). Silence counts from the server's own start at the earliest, so that agents get a full
 * {@code downAfter} to find a restarted (or newly active) server before anything is given up.
 */
final class AgentSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AgentSupervisor.class);
    private final Agents agents;
    private final Instant startedAt;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agent-supervisor");
        t.setDaemon(true);
        return t;
    });

    AgentSupervisor(Agents agents, Instant startedAt) {
        this.agents = agents;
        this.startedAt = startedAt;
        long tick = agents.backends().values().stream().mapToLong(b -> b.settings().heartbeatInterval().toMillis() / 2)
                .min().orElse(1000);
        tick = Math.max(50, Math.min(1000, tick));
        timer.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
    }

    void sweep() {
        for (AgentBackend b : agents.backends().values()) {
            try {
                sweep(b.center(), b.settings().downAfter());
            } catch (RuntimeException e) {
                log.warn("center {}: checking its agents failed: {}", b.center(), e.toString());
            }
        }
    }

    private void sweep(String center, Duration downAfter) {
        for (AgentRow a : agents.store().silent(center, downAfter, startedAt)) {
            String why = "agent " + a.name() + " (node " + a.node() + ") has been silent for more than "
                    + downAfter.toSeconds() + "s";
            if (!agents.store().leave(a.id(), AgentRow.DOWN, why, downAfter)) {
                continue; // it spoke up in the meantime
            }
            log.warn("center {}: {}; its node takes no work and its jobs are requeued", center, why);
            agents.refresh(center); // first out of the snapshot, so that no job is requeued onto it
            agents.requeueLost(a, why, false, Set.of());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
