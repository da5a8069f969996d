package io.computegrid.server.events;

import java.time.Instant;

/** Something that happened to a job, as stored in the events table and streamed to subscribers. */
public record JobEvent(long id, long jobId, String tenant, Instant at, String type, String state, String message) {
}
