package io.computegrid.server.api;

import io.computegrid.server.auth.TokenService;
import io.computegrid.server.events.EventBus;
import io.computegrid.server.federation.Federation;
import io.computegrid.server.jobs.JobPaths;
import io.computegrid.server.jobs.JobService;
import io.computegrid.server.jobs.JobStore;
import io.computegrid.server.metrics.GridMetrics;
import io.computegrid.server.scheduling.SchedulingLoop;
import org.jdbi.v3.core.Jdbi;

/** The services route modules use. */
public record ApiContext(Jdbi jdbi, Federation federation, JobStore jobs, JobService jobService, JobPaths paths,
                         TokenService tokens, EventBus bus, GridMetrics metrics, SchedulingLoop scheduling,
                         io.computegrid.server.runtime.BackendRegistry backends) {
}
