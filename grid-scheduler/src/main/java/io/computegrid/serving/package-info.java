/**
 * Serving decisions, pure like the scheduler (no I/O, no wall clock, randomness injected): the autoscaler, the
 * gateway's replica choice, the order replicas leave on scale-down, and the crash-loop backoff. The server's
 * service controller and gateway ({@code io.computegrid.server.serving}, {@code io.computegrid.server.gateway})
 * feed them and act on what they return.
 */
package io.computegrid.serving;
