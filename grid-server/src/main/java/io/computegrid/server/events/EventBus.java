package io.computegrid.server.events;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jdbi.v3.core.Handle;

/**
 * Job events: written in the caller's transaction, handed to live subscribers (server-sent
 * events) only after that transaction commits, so nobody sees what was rolled back.
 */
public final class EventBus {
    /** Every job event also goes to the log as one key=value line. */
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("events");
    private final List<Consumer<JobEvent>> subscribers = new CopyOnWriteArrayList<>();

    public Runnable subscribe(Consumer<JobEvent> s) {
        subscribers.add(s);
        return () -> subscribers.remove(s);
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    /** Collects the events of one transaction. */
    public final class Batch {
        private final List<JobEvent> events = new ArrayList<>();

        public JobEvent add(Handle h, long jobId, String tenant, String type, String state, String message) {
            JobEvent e = h.createQuery("""
                            INSERT INTO events(job_id, tenant, type, message, data)
                            VALUES (:j, :t, :type, :m, CAST(:d AS jsonb)) RETURNING id, at""")
                    .bind("j", jobId).bind("t", tenant).bind("type", type).bind("m", clip(message))
                    .bind("d", state == null ? null : "{\"state\":\"" + state + "\"}")
                    .map((rs, ctx) -> new JobEvent(rs.getLong("id"), jobId, tenant,
                            rs.getTimestamp("at").toInstant(), type, state, clip(message)))
                    .one();
            events.add(e);
            return e;
        }

        /** Call after commit. */
        public void publish() {
            for (JobEvent e : events) {
                log.info("job={} tenant={} event={} state={} msg=\"{}\"", e.jobId(), e.tenant(), e.type(),
                        e.state() == null ? "-" : e.state(), e.message().replace("\"", "'"));
                for (Consumer<JobEvent> s : subscribers) {
                    try {
                        s.accept(e);
                    } catch (RuntimeException ignored) {
                        // a broken subscriber must not break the others
                    }
                }
            }
            events.clear();
        }
    }

    public Batch batch() {
        return new Batch();
    }

    private static String clip(String m) {
        return m == null ? "" : m.length() > 2000 ? m.substring(0, 2000) + "..." : m;
    }
}
