package io.computegrid.server.billing;

import io.computegrid.metering.Metering;
import io.computegrid.metering.usage.UsageInterval;
import io.computegrid.server.runtime.UsageRecorder;
import java.util.ArrayList;
import java.util.List;
import org.jdbi.v3.core.Handle;

/** Feeds the runtime's closed task intervals to {@link Metering#recordUsage}, in the runtime's transaction. */
public final class MeteringUsageRecorder implements UsageRecorder {
    private final Metering metering;

    public MeteringUsageRecorder(Metering metering) {
        this.metering = metering;
    }

    @Override
    public void record(Handle h, Interval i) {
        metering.recordUsage(h, convert(i));
    }

    /** A whole slice (every running task) in a few statements: use this for the periodic metering. */
    public void recordAll(Handle h, List<Interval> intervals) {
        List<UsageInterval> batch = new ArrayList<>(intervals.size());
        for (Interval i : intervals) {
            batch.add(convert(i));
        }
        metering.recordUsage(h, batch);
    }

    static UsageInterval convert(Interval i) {
        return new UsageInterval(i.key(), i.jobId(), i.attempt(), i.taskIndex(), i.tenant(), i.center(), i.pool(),
                i.accelerator(), i.milliCards(), i.cpuMilli(), i.memoryMiB(), i.from(), i.to(), i.preemptible());
    }
}
