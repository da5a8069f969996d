package io.computegrid.server.api;

import java.util.Map;

/** What {@code GET /readyz} answers, and why every other path may answer 503 instead of being served. */
public interface Readiness {
    /** {@code ready}: 200 with {@code body}; otherwise 503 with it. */
    record Answer(boolean ready, Map<String, Object> body) {
    }

    Answer answer();

    /**
     * Null while this server serves requests; otherwise the detail of the 503 every API path answers
     * (a standby names the active server, a server that lost leadership says so).
     */
    String refusal();

    /** Extra members of that 503 problem (such as the active server's URL). */
    default Map<String, Object> refusalMembers() {
        return Map.of();
    }
}
