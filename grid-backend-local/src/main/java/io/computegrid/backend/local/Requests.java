package io.computegrid.backend.local;

import io.computegrid.backend.BackendException;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import java.util.HashSet;
import java.util.Set;

/** Checks of a launch request that need no state: what the local backend can never run. */
final class Requests {
    private Requests() {
    }

    static void validate(LaunchRequest r) throws BackendException {
        if (r.tasks().isEmpty()) {
            throw invalid("a job needs at least one task");
        }
        if (r.command().isEmpty()) {
            throw invalid("the command is empty");
        }
        if (r.logDir() == null) {
            throw invalid("no log directory");
        }
        if (r.maxRuntime() != null && r.maxRuntime().isNegative()) {
            throw invalid("maxRuntime is negative");
        }
        if (r.gangSize() < r.tasks().size()) {
            throw invalid("the gang has " + r.gangSize() + " tasks but the request carries " + r.tasks().size());
        }
        Set<Integer> indices = new HashSet<>();
        for (TaskLaunch t : r.tasks()) {
            if (t.index() < 0 || t.index() >= r.gangSize() || !indices.add(t.index())) {
                throw invalid("task indices must be 0.." + (r.gangSize() - 1) + " without repeats");
            }
            if (t.node() == null) {
                throw invalid("task " + t.index() + " has no node");
            }
            for (int c : t.cards()) {
                if (c < 0) {
                    throw invalid("task " + t.index() + " has a negative card index");
                }
            }
            if (t.cards().length > 0 && (t.milliPerCard() <= 0 || t.milliPerCard() > 1000)) {
                throw invalid("task " + t.index() + ": milli-cards per card must be between 1 and 1000");
            }
        }
    }

    static BackendException invalid(String message) {
        return new BackendException(message, false);
    }
}
