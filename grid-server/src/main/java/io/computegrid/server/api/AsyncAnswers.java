package io.computegrid.server.api;

import io.javalin.http.Context;

/**
 * Rules for requests answered later through {@code ctx.future} (the gateway's held requests, agents' long polls).
 * Javalin 7 on Jetty 12 must never see such a future complete after its server stopped: writing into the recycled
 * request fails, and its exception handling then fails on the missing request again, without end (a test run
 * once logged 4 GB that way). So the owners answer what they hold before the API stops, and check
 * {@link #alive} before they complete a future at all.
 */
public final class AsyncAnswers {
    private AsyncAnswers() {
    }

    /** False once Jetty has recycled the request (its HTTP server stopped): leave its future alone then. */
    public static boolean alive(Context ctx) {
        try {
            ctx.req().getHeader("Host");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
