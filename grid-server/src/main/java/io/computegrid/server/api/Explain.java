package io.computegrid.server.api;

import io.computegrid.model.JobState;
import io.computegrid.scheduler.Reservation;
import io.computegrid.server.jobs.JobStore.JobRow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Why a job is where it is, or why it waits: the scheduler's reason with its numbers and the recent events. */
final class Explain {
    private Explain() {
    }

    static Map<String, Object> of(JobRow j, ApiContext api) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", j.id());
        m.put("state", j.state().name());
        String summary;
        if (j.state() == JobState.PENDING) {
            var reason = api.jobs().waitReason(j.id());
            if (reason.isEmpty()) {
                summary = "waiting for the next scheduling cycle";
            } else {
                var r = reason.get();
                summary = "waiting (" + r.plugin() + ": " + r.code() + "): " + r.message();
                m.put("waiting", io.computegrid.server.jobs.JobStore.waitingJson(r));
            }
            long ahead = api.jdbi().withHandle(h -> h.createQuery(
                            "SELECT count(*) FROM jobs WHERE state = 'PENDING' AND id < :id")
                    .bind("id", j.id()).mapTo(Long.class).one());
            m.put("pendingAhead", ahead);
            List<Reservation> res = api.scheduling().lastPlan().reservations().stream()
                    .filter(r -> r.jobId() == j.id()).toList();
            if (!res.isEmpty()) {
                m.put("reservation", res.get(0));
            }
        } else if (j.state().isActive() || j.state().isTerminal() && j.center() != null) {
            summary = (j.state().isActive() ? "runs on " : "ran on ") + j.center() + "/" + j.pool() + " ("
                    + j.accelerator() + ")" + (j.reason() == null ? "" : ": " + j.reason());
        } else {
            summary = j.reason() == null ? j.state().name() : j.reason();
        }
        m.put("summary", summary);
        if (j.placement() != null) {
            m.put("placement", Json.MAPPER.readTree(j.placement()));
        }
        List<Map<String, Object>> events = api.jobs().events(j.id(), 1000);
        m.put("events", events.size() > 20 ? events.subList(events.size() - 20, events.size()) : events);
        return m;
    }
}
