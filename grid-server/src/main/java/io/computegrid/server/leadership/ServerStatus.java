package io.computegrid.server.leadership;

import io.computegrid.server.api.Readiness;
import io.computegrid.store.leadership.LeaderRecord;
import io.computegrid.store.leadership.Lease;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Where this server stands: starting, standing by (for whom), active (at which epoch), or out of the
 * game (lost leadership, stopping). It is the readiness answer: ready only while active, holding a valid
 * lease whose last renewal (one statement per second on the election's own database session, 2 s timeout)
 * is at most {@link #FRESH} old; that renewal is the database probe.
 */
public final class ServerStatus implements Readiness {
    public enum Phase { STARTING, STANDBY, ACTIVE, LOST, STOPPING }

    /** A renewal older than this (two renew intervals) means the database is not answering. */
    static final Duration FRESH = Duration.ofMillis(2_500);

    private final java.util.function.Supplier<String> selfUrl;
    private volatile Phase phase = Phase.STARTING;
    private volatile String reason = "starting";
    private volatile Optional<LeaderRecord> leader = Optional.empty();
    private volatile Lease lease;

    public ServerStatus(java.util.function.Supplier<String> selfUrl) {
        this.selfUrl = selfUrl;
    }

    public Phase phase() {
        return phase;
    }

    public void starting(String what) {
        if (phase == Phase.STARTING || phase == Phase.STANDBY) {
            reason = what;
        }
    }

    public void standby(Optional<LeaderRecord> current) {
        leader = current;
        phase = Phase.STANDBY;
        reason = current.map(r -> r.released() ? "the last active server (" + r.url() + ") stepped down; taking over"
                        : "standby: the active server is " + r.url() + " (epoch " + r.epoch() + ")")
                .orElse("standby: waiting for the database's leadership");
    }

    public void unreachable(String problem) {
        if (phase == Phase.STARTING || phase == Phase.STANDBY) {
            reason = "the database is not reachable: " + problem;
        }
    }

    /** Leadership won; still starting the subsystems until {@link #active}. */
    public void leading(Lease l) {
        lease = l;
        phase = Phase.STARTING;
        reason = "leading at epoch " + l.epoch() + "; starting the subsystems";
    }

    public void active() {
        phase = Phase.ACTIVE;
        reason = null;
    }

    public void lost(String why) {
        phase = Phase.LOST;
        reason = "lost leadership: " + why;
    }

    public void stopping() {
        if (phase != Phase.LOST) {
            phase = Phase.STOPPING;
            reason = "stopping";
        }
    }

    @Override
    public Answer answer() {
        Phase p = phase;
        Map<String, Object> body = new LinkedHashMap<>();
        if (p == Phase.ACTIVE) {
            Lease l = lease;
            if (!l.isValid()) {
                lost(l.lostReason());
                return answer();
            }
            Duration age = l.sinceRenewal();
            if (age.compareTo(FRESH) > 0) {
                body.put("status", "unavailable");
                body.put("reason", "the database has not answered for " + age.toMillis() + " ms");
                body.put("epoch", l.epoch());
                return new Answer(false, body);
            }
            body.put("status", "ready");
            body.put("leader", selfUrl.get());
            body.put("epoch", l.epoch());
            return new Answer(true, body);
        }
        body.put("status", switch (p) {
            case STANDBY -> "standby";
            case LOST -> "lost";
            case STOPPING -> "stopping";
            default -> "starting";
        });
        body.put("reason", reason);
        leaderMembers(body);
        return new Answer(false, body);
    }

    @Override
    public String refusal() {
        Phase p = phase;
        if (p == Phase.ACTIVE) {
            return null;
        }
        if (p == Phase.STANDBY) {
            return leader.filter(r -> !r.released())
                    .map(r -> "this server is a standby; the active server is " + r.url() + " (epoch " + r.epoch() + ")")
                    .orElse("this server is a standby and no server is active yet; retry shortly");
        }
        return "this server is not active (" + reason + ")";
    }

    @Override
    public Map<String, Object> refusalMembers() {
        Map<String, Object> m = new LinkedHashMap<>();
        leaderMembers(m);
        return m;
    }

    private void leaderMembers(Map<String, Object> m) {
        Lease l = lease;
        if (l != null) {
            m.put("epoch", l.epoch());
        } else {
            leader.filter(r -> !r.released()).ifPresent(r -> {
                m.put("leader", r.url());
                m.put("epoch", r.epoch());
            });
        }
    }
}
