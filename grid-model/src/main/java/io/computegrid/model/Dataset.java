package io.computegrid.model;

/** Input data a job reads: where it lives and how big it is (GB), for data-locality scoring. */
public record Dataset(String name, String center, double sizeGb) {
    public Dataset {
        Names.requireValid(name, "dataset");
        Names.requireValid(center, "dataset center");
        if (!(sizeGb >= 0) || sizeGb > 1e9) {
            throw new IllegalArgumentException("dataset " + name + ": sizeGb must be between 0 and 1e9");
        }
    }
}
