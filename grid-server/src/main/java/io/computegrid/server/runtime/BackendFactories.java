package io.computegrid.server.runtime;

import io.computegrid.backend.Backend;
import io.computegrid.backend.BackendListener;
import io.computegrid.model.Center;

/** Creates the remote backends (Slurm, Kubernetes) for a center. */
final class BackendFactories {
    private BackendFactories() {
    }

    static Backend slurm(Center c, BackendListener listener) {
        throw new IllegalArgumentException("center " + c.name() + ": the slurm backend is not available in this build");
    }

    static Backend kubernetes(Center c, BackendListener listener) {
        throw new IllegalArgumentException("center " + c.name() + ": the kubernetes backend is not available in this build");
    }
}
