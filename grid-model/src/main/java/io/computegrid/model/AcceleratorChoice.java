package io.computegrid.model;

/**
 * One accelerator model a job accepts, with an optional speed factor (relative throughput of the
 * job on this model; null means "use the rated TFLOPS ratio").
 */
public record AcceleratorChoice(String model, Double speed) {
    public AcceleratorChoice {
        Names.requireValid(model, "accelerator");
        if (speed != null && (!(speed > 0) || speed > 1000)) {
            throw new IllegalArgumentException("accelerator " + model + ": speed must be positive");
        }
    }

    public static AcceleratorChoice of(String model) {
        return new AcceleratorChoice(model, null);
    }
}
