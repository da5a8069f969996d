package io.computegrid.backend.local;

import io.computegrid.backend.BackendException;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import io.computegrid.backend.local.Gang.Card;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cards held by live tasks of this backend. The scheduler already places tasks on free cards; this is the last
 * line of defence against two processes sharing one (for example while a stopped task is still being reaped).
 */
final class CardLedger {
    private final Map<Card, String> busyCards = new HashMap<>(); // guarded by itself

    List<Card> reserve(LaunchRequest r) throws BackendException {
        Map<Card, Integer> wanted = new LinkedHashMap<>();
        for (TaskLaunch t : r.tasks()) {
            for (int c : t.cards()) {
                Integer other = wanted.put(new Card(t.node(), c), t.index());
                if (other != null) {
                    throw Requests.invalid("tasks " + other + " and " + t.index() + " were both given card " + c + " on node "
                            + t.node());
                }
            }
        }
        synchronized (busyCards) {
            for (Card c : wanted.keySet()) {
                String owner = busyCards.get(c);
                if (owner != null) {
                    throw new BackendException("card " + c.index() + " on node " + c.node() + " is still in use by "
                            + owner, true);
                }
            }
            wanted.forEach((c, task) -> busyCards.put(c,
                    "job " + r.jobId() + " (attempt " + r.attempt() + ", task " + task + ")"));
        }
        return List.copyOf(wanted.keySet());
    }

    void release(List<Card> cards) {
        synchronized (busyCards) {
            cards.forEach(busyCards::remove);
        }
    }
}
