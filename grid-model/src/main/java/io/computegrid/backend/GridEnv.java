package io.computegrid.backend;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** The environment every task sees, whatever backend runs it (CONTRACT.md). */
public final class GridEnv {
    private GridEnv() {
    }

    /**
     * The GRID_* variables and the vendor's visible-devices variable for one task. User variables
     * come first so that the platform's own cannot be overridden.
     */
    public static Map<String, String> forTask(LaunchRequest r, TaskLaunch t, String masterAddr, int masterPort) {
        return forTask(r, t, masterAddr, masterPort, 0);
    }

    /**
     * As {@link #forTask(LaunchRequest, TaskLaunch, String, int)}, plus {@code GRID_PORT} and {@code PORT} (the
     * port a serving task listens on) when {@code servicePort} is positive.
     */
    public static Map<String, String> forTask(LaunchRequest r, TaskLaunch t, String masterAddr, int masterPort,
                                              int servicePort) {
        Map<String, String> env = new LinkedHashMap<>(r.env());
        String cards = Arrays.stream(t.cards()).mapToObj(Integer::toString).collect(Collectors.joining(","));
        env.put("GRID_JOB_ID", Long.toString(r.jobId()));
        env.put("GRID_JOB_NAME", r.jobName());
        env.put("GRID_TENANT", r.tenant());
        env.put("GRID_ATTEMPT", Integer.toString(r.attempt()));
        env.put("GRID_TASK_INDEX", Integer.toString(t.index()));
        env.put("GRID_TASKS", Integer.toString(r.gangSize()));
        env.put("GRID_CENTER", r.center());
        env.put("GRID_NODE", t.node());
        env.put("GRID_ACCELERATOR", r.accelerator() == null ? "" : r.accelerator());
        env.put("GRID_ACCELERATORS", cards);
        if (t.milliPerCard() < 1000 && t.cards().length > 0) {
            env.put("GRID_ACCELERATOR_FRACTION", Double.toString(t.milliPerCard() / 1000.0));
        }
        env.put("GRID_MASTER_ADDR", masterAddr);
        env.put("GRID_MASTER_PORT", Integer.toString(masterPort));
        if (r.checkpointDir() != null) {
            env.put("GRID_CHECKPOINT_DIR", r.checkpointDir().toString());
        }
        env.put("GRID_RESUME", r.resume() ? "1" : "0");
        if (servicePort > 0) {
            env.put("GRID_PORT", Integer.toString(servicePort));
            env.put("PORT", Integer.toString(servicePort));
        }
        if (r.visibleDevicesEnv() != null && !r.visibleDevicesEnv().isEmpty()) {
            env.put(r.visibleDevicesEnv(), cards);
        }
        return env;
    }
}
