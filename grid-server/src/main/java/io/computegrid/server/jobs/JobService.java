package io.computegrid.server.jobs;

import io.computegrid.config.PriorityClass;
import io.computegrid.model.JobSpec;
import io.computegrid.model.JobState;
import io.computegrid.scheduler.Feasibility;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.auth.Principal;
import io.computegrid.server.events.EventBus;
import io.computegrid.server.federation.Federation;
import io.computegrid.server.runtime.JobRuntime;
import io.computegrid.spec.JobSpecParser;
import io.computegrid.spec.SpecException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/**
 * Submission and cancellation: validates everything before the one transaction that stores the
 * job and its first event, so bad input changes nothing and an acknowledged job is durable.
 */
public final class JobService {
    private final JobStore store;
    private final JobSpecParser parser;
    private final Federation federation;
    private final EventBus bus;
    private final JobRuntime runtime;
    private final Runnable wake;
    private volatile SubmitHook hook = SubmitHook.NONE;

    /** Lets the economic layer quote and refuse work (budget, exhausted balance) at submission. */
    public interface SubmitHook {
        SubmitHook NONE = (h, tenant, spec) -> Map.of();

        /** Extra fields for the 201 body (for example an estimated cost); throws ApiException to refuse. */
        Map<String, Object> check(org.jdbi.v3.core.Handle h, String tenant, JobSpec spec);
    }

    public JobService(JobStore store, JobSpecParser parser, Federation federation, EventBus bus, JobRuntime runtime,
                      Runnable wake) {
        this.store = store;
        this.parser = parser;
        this.federation = federation;
        this.bus = bus;
        this.runtime = runtime;
        this.wake = wake;
    }

    public void submitHook(SubmitHook h) {
        this.hook = h;
    }

    /** {@code replayed}: an earlier request with the same Idempotency-Key created this job. */
    public record Submitted(long id, JobState state, Map<String, Object> extra, boolean replayed) {
    }

    public Submitted submit(Principal who, JsonNode doc) {
        return submit(who, doc, null);
    }

    /**
     * Validates and stores a job; with an {@code idempotencyKey} (already validated), a retry of the same request
     * returns the job the first one created instead of a new one (see {@link IdempotencyKeys}).
     */
    public Submitted submit(Principal who, JsonNode doc, String idempotencyKey) {
        JobSpec spec;
        try {
            spec = parser.parse(doc);
        } catch (SpecException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        String tenant = spec.tenant() != null ? spec.tenant() : who.tenant();
        if (tenant == null) {
            throw ApiException.badRequest("tenant: required (this token belongs to no tenant)");
        }
        if (!who.canAccessTenant(tenant)) {
            throw ApiException.forbidden("this token may not submit for tenant '" + tenant + "'");
        }
        var fed = federation.current();
        if (fed.tenants().stream().noneMatch(t -> t.name().equals(tenant))) {
            throw ApiException.unprocessable("tenant: unknown tenant '" + tenant + "'");
        }
        PriorityClass pc = fed.priority(spec.priority()).orElseThrow(() -> ApiException.unprocessable(
                "priority: unknown priority class '" + spec.priority() + "'; known: "
                        + String.join(", ", fed.priorityClasses().stream().map(PriorityClass::name).toList())));
        for (String c : spec.centers()) {
            if (fed.center(c).isEmpty()) {
                throw ApiException.unprocessable("centers: unknown center '" + c + "'");
            }
        }
        Optional<String> infeasible = Feasibility.check(spec, fed.centers());
        if (infeasible.isPresent()) {
            throw ApiException.unprocessable(infeasible.get());
        }
        EventBus.Batch ev = bus.batch();
        JsonNode stored = normalised(doc, tenant);
        String fingerprint = idempotencyKey == null ? null : IdempotencyKeys.fingerprint(stored);
        Submitted s = store.jdbi().inTransaction(h -> {
            if (idempotencyKey != null) {
                Optional<Long> earlier = IdempotencyKeys.claim(h, tenant, idempotencyKey, fingerprint);
                if (earlier.isPresent()) {
                    JobStore.JobRow j = store.find(h, earlier.get(), false).orElseThrow();
                    return new Submitted(j.id(), j.state(), Map.of(), true);
                }
            }
            Map<String, Object> extra = hook.check(h, tenant, spec);
            long id = store.insert(h, spec, stored, tenant, pc.name(), pc.value());
            if (idempotencyKey != null) {
                IdempotencyKeys.attach(h, tenant, idempotencyKey, id);
            }
            ev.add(h, id, tenant, "SUBMITTED", "PENDING", "submitted by token " + who.tokenId() + " ("
                    + spec.tasks() + " task(s), " + describe(spec) + ")");
            return new Submitted(id, JobState.PENDING, extra, false);
        });
        if (s.replayed()) {
            return s;
        }
        ev.publish();
        wake.run();
        return s;
    }

    private static JsonNode normalised(JsonNode doc, String tenant) {
        var copy = doc.deepCopy();
        ((tools.jackson.databind.node.ObjectNode) copy).put("tenant", tenant);
        return copy;
    }

    static String describe(JobSpec spec) {
        int m = spec.resources().milliCards();
        if (m == 0) {
            return "no accelerator";
        }
        String models = spec.resources().accelerators().stream().map(a -> a.model())
                .reduce((a, b) -> a + "|" + b).orElse("any");
        return (m % 1000 == 0 ? m / 1000 + " x " : m / 1000.0 + " of ") + models + " per task";
    }

    /** Cancels a job the caller may see; returns its state afterwards. */
    public JobState cancel(Principal who, long id, Function<Long, RuntimeException> notFound) {
        EventBus.Batch ev = bus.batch();
        JobStore.JobRow j = store.jdbi().inTransaction(h -> {
            JobStore.JobRow row = store.find(h, id, true).filter(r -> who.canAccessTenant(r.tenant()))
                    .orElseThrow(() -> notFound.apply(id));
            if (row.state().isTerminal()) {
                throw ApiException.conflict("job " + id + " already ended (" + row.state() + ")");
            }
            if (row.state() == JobState.PENDING) {
                String why = "cancelled by token " + who.tokenId() + " while pending";
                h.createUpdate("UPDATE jobs SET state = 'CANCELLED', finished_at = now(), reason = :r, "
                        + "updated_at = now() WHERE id = :id").bind("r", why).bind("id", id).execute();
                ev.add(h, id, row.tenant(), "CANCELLED", "CANCELLED", why);
            }
            return row;
        });
        ev.publish();
        if (j.state() == JobState.PENDING) {
            wake.run();
            return JobState.CANCELLED;
        }
        runtime.stop(id, "CANCEL", "cancelled by token " + who.tokenId());
        return j.state();
    }
}
