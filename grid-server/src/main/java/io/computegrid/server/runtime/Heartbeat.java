package io.computegrid.server.runtime;

import java.time.Instant;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active server's "still alive at" in {@code settings.last_alive}: after a crash, tasks the store thought
 * running are closed (and metered) at the last heartbeat. It is a fenced write like any other, so an old
 * leader that has not noticed a takeover learns of it from its next heartbeat at the latest.
 */
public final class Heartbeat {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);
    private final Jdbi jdbi;

    public Heartbeat(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    public void beat() {
        try {
            jdbi.useHandle(h -> h.createUpdate("INSERT INTO settings(key, value) VALUES ('last_alive', :v) "
                    + "ON CONFLICT (key) DO UPDATE SET value = :v").bind("v", Instant.now().toString()).execute());
        } catch (RuntimeException e) {
            log.warn("heartbeat failed: {}", e.toString());
        }
    }

    /** The last heartbeat written, or now when there is none. */
    public Instant last() {
        return jdbi.withHandle(h -> h.createQuery("SELECT value FROM settings WHERE key = 'last_alive'")
                .mapTo(String.class).findOne()).map(Instant::parse).orElse(Instant.now());
    }
}
