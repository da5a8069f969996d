package io.computegrid.server.runtime;

import io.computegrid.backend.Backend;
import io.computegrid.backend.BackendListener;
import io.computegrid.backend.k8s.KubernetesBackend;
import io.computegrid.backend.slurm.SlurmBackend;
import io.computegrid.model.Center;

/** Creates the remote backends (Slurm, Kubernetes) for a center. */
final class BackendFactories {
    private BackendFactories() {
    }

    static Backend slurm(Center c, BackendListener listener) {
        return new SlurmBackend(c.name(), c.backend(), listener);
    }

    static Backend kubernetes(Center c, BackendListener listener) {
        return new KubernetesBackend(c.name(), c.backend(), listener);
    }
}
