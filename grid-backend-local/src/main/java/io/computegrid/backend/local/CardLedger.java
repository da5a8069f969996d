package io.computegrid.backend.local;

import io.computegrid.backend.BackendException;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import io.computegrid.backend.local.Gang.Card;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Milli-cards held by live tasks of this backend. The scheduler already places tasks on free cards; this is the
 * last line of defence against two processes over-using one card (for example while a stopped task is still being
 * reaped). Fractions of one card may be shared by several tasks as long as they add up to at most 1000.
 */
final class CardLedger {
    private record Slot(String node, int index) {
    }

    private final Map<Slot, Integer> usedMilli = new HashMap<>(); // guarded by itself
    private final Map<Slot, String> lastOwner = new HashMap<>();

    List<Card> reserve(LaunchRequest r) throws BackendException {
        Map<Slot, Integer> wanted = new LinkedHashMap<>();
        List<Card> out = new ArrayList<>();
        for (TaskLaunch t : r.tasks()) {
            for (int c : t.cards()) {
                Slot s = new Slot(t.node(), c);
                int sum = wanted.merge(s, t.milliPerCard(), Integer::sum);
                if (sum > 1000) {
                    throw Requests.invalid("card " + c + " on node " + t.node() + " was given to tasks for "
                            + sum + " milli-cards, more than one card");
                }
                out.add(new Card(t.node(), c, t.milliPerCard()));
            }
        }
        synchronized (usedMilli) {
            for (Map.Entry<Slot, Integer> e : wanted.entrySet()) {
                int used = usedMilli.getOrDefault(e.getKey(), 0);
                if (used + e.getValue() > 1000) {
                    throw new BackendException("card " + e.getKey().index() + " on node " + e.getKey().node()
                            + " is still in use by " + lastOwner.get(e.getKey()), true);
                }
            }
            wanted.forEach((s, m) -> {
                usedMilli.merge(s, m, Integer::sum);
                lastOwner.put(s, "job " + r.jobId() + " (attempt " + r.attempt() + ")");
            });
        }
        return List.copyOf(out);
    }

    void release(List<Card> cards) {
        synchronized (usedMilli) {
            for (Card c : cards) {
                Slot s = new Slot(c.node(), c.index());
                int left = usedMilli.getOrDefault(s, 0) - c.milli();
                if (left <= 0) {
                    usedMilli.remove(s);
                    lastOwner.remove(s);
                } else {
                    usedMilli.put(s, left);
                }
            }
        }
    }
}
