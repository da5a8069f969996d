package io.computegrid.backend.local;

import io.computegrid.backend.local.LocalBackendOptions.PortRange;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Ports handed to live tasks: serving ports (GRID_PORT) and a gang's rendezvous port when it lies in the range.
 * Without a range any free loopback port will do (the server's own machine); with one (an agent's {@code --ports})
 * a port is given only when no live task holds it and it can be bound on all interfaces right now, so that a
 * task reachable at the agent's advertised address can listen on it.
 */
final class ServicePorts {
    private final PortRange range;
    private final Set<Integer> held = new HashSet<>(); // guarded by this
    private int next;

    ServicePorts(PortRange range) {
        this.range = range;
    }

    synchronized int take() throws IOException {
        if (range == null) {
            return LaunchSupport.freeLoopbackPort();
        }
        for (int i = 0; i < range.size(); i++) {
            int p = range.from() + Math.floorMod(next++, range.size());
            if (!held.contains(p) && bindable(p)) {
                held.add(p);
                return p;
            }
        }
        throw new IOException("every port of " + range + " is in use");
    }

    /** Keeps {@code port} (a rendezvous port chosen elsewhere) from being handed out while the gang lives. */
    synchronized boolean hold(int port) {
        return range != null && range.contains(port) && held.add(port);
    }

    synchronized void release(int port) {
        held.remove(port);
    }

    /** Frees the serving ports of {@code tasks} and a held rendezvous port ({@code masterPort}, 0 for none). */
    synchronized void release(List<Gang.Task> tasks, int masterPort) {
        for (Gang.Task t : tasks) {
            if (t.servicePort > 0) {
                held.remove(t.servicePort);
            }
        }
        if (masterPort > 0) {
            held.remove(masterPort);
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
