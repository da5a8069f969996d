package io.computegrid.backend;

import java.util.Objects;

/**
 * Where the tasks of a gang meet when the gang is split over several backends (agents on different boxes): the
 * address and port every task sees as GRID_MASTER_ADDR / GRID_MASTER_PORT (task 0's node listens there), and the
 * size of the whole gang (GRID_TASKS), of which one {@link LaunchRequest} may carry only a part.
 */
public record Rendezvous(String masterAddr, int masterPort, int gangSize) {
    public Rendezvous {
        Objects.requireNonNull(masterAddr, "masterAddr");
        if (masterAddr.isBlank()) {
            throw new IllegalArgumentException("rendezvous: masterAddr is empty");
        }
        if (masterPort < 1 || masterPort > 65535) {
            throw new IllegalArgumentException("rendezvous: masterPort must be between 1 and 65535");
        }
        if (gangSize < 1) {
            throw new IllegalArgumentException("rendezvous: gangSize must be at least 1");
        }
    }
}
