package io.computegrid.server.billing;

import io.computegrid.metering.budget.Overrun;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which budget alerts are news: a job over a cap in {@code alert} mode is reported when it goes over (or over for
 * another reason), not again at every metering slice while it stays there; once it is no longer over, a later
 * overrun is news again.
 */
final class BudgetAlerts {
    /** Job id -> the condition last alerted, with its figures blanked (they grow every slice). */
    private Map<Long, String> alerted = new HashMap<>();

    /** The alerts of this slice that were not already reported; forgets jobs no longer over. */
    synchronized List<Overrun> news(List<Overrun> alerts) {
        Map<Long, String> now = new HashMap<>();
        List<Overrun> out = new ArrayList<>();
        for (Overrun o : alerts) {
            String condition = o.reason().replaceAll("[0-9][0-9.]*", "#");
            now.put(o.jobId(), condition);
            if (!condition.equals(alerted.get(o.jobId()))) {
                out.add(o);
            }
        }
        alerted = now;
        return out;
    }
}
