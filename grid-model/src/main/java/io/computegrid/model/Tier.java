package io.computegrid.model;

import java.util.Locale;

/** The kind of site a center is. */
public enum Tier {
    CLOUD, HPC, EDGE;

    public static Tier parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("tier '" + s + "' is not one of cloud, hpc, edge");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
