package io.computegrid.model;

import java.util.Locale;

/** What a job optimises when several centers could run it. */
public enum Objective {
    TIME, COST, GREEN, BALANCED;

    public static Objective parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("objective '" + s + "' is not one of time, cost, green, balanced");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
