package io.computegrid.sim.trace;

import java.util.List;

/**
 * One job as a trace describes it, before the simulator maps it onto a federation. Times are in
 * milliseconds ({@code submitMillis} relative to the trace start, or absolute for formats whose
 * {@link TraceFormat#absoluteTimes()} is true); {@code milliGpus} is the whole request in
 * milli-cards (1000 = one card); {@code gpuTypes} empty means any model. {@code line} is where the
 * job came from, for messages. {@code dataCenter}/{@code dataGb}: input data the job reads and where it
 * lives (null/0: none); running elsewhere costs a transfer at the federation's bandwidth.
 */
public record TraceJob(long line, String jobId, String tenant, long submitMillis, long durationMillis, long milliGpus,
                       int cpuMilli, long memoryMiB, List<String> gpuTypes, long maxRuntimeMillis, String center,
                       String dataCenter, double dataGb) {
    public TraceJob {
        gpuTypes = gpuTypes == null ? List.of() : gpuTypes;
    }

    /** A job without input data to move. */
    public TraceJob(long line, String jobId, String tenant, long submitMillis, long durationMillis, long milliGpus,
                    int cpuMilli, long memoryMiB, List<String> gpuTypes, long maxRuntimeMillis, String center) {
        this(line, jobId, tenant, submitMillis, durationMillis, milliGpus, cpuMilli, memoryMiB, gpuTypes,
                maxRuntimeMillis, center, null, 0);
    }

    public TraceJob withSubmit(long submit) {
        return new TraceJob(line, jobId, tenant, submit, durationMillis, milliGpus, cpuMilli, memoryMiB, gpuTypes,
                maxRuntimeMillis, center, dataCenter, dataGb);
    }

    public TraceJob withJobId(String id) {
        return new TraceJob(line, id, tenant, submitMillis, durationMillis, milliGpus, cpuMilli, memoryMiB, gpuTypes,
                maxRuntimeMillis, center, dataCenter, dataGb);
    }
}
