package io.computegrid.model;

/**
 * A tenant's quota for one accelerator model (or {@link #NORMALISED} for P, in milli-PFLOPS),
 * in cards. {@code nominal} is guaranteed; {@code borrowingLimit} caps what may be borrowed on
 * top of it (null: unlimited); {@code lendingLimit} caps how much of the nominal quota others
 * may borrow while it is idle (null: all of it).
 */
public record Quota(String accelerator, int nominal, Integer borrowingLimit, Integer lendingLimit) {
    /** The pseudo-model under which a quota counts normalised compute instead of cards. */
    public static final String NORMALISED = "P";

    public Quota {
        if (accelerator == null || accelerator.isBlank()) {
            throw new IllegalArgumentException("quota: accelerator is required");
        }
        if (nominal < 0 || nominal > 10_000_000) {
            throw new IllegalArgumentException("quota " + accelerator + ": nominal must be between 0 and 10000000");
        }
        if (borrowingLimit != null && borrowingLimit < 0) {
            throw new IllegalArgumentException("quota " + accelerator + ": borrowingLimit must not be negative");
        }
        if (lendingLimit != null && (lendingLimit < 0 || lendingLimit > nominal)) {
            throw new IllegalArgumentException("quota " + accelerator + ": lendingLimit must be between 0 and nominal");
        }
    }

    public static Quota nominal(String accelerator, int cards) {
        return new Quota(accelerator, cards, null, null);
    }
}
