package io.computegrid.server.billing;

import io.computegrid.metering.Metering;
import io.computegrid.metering.budget.Overrun;
import io.computegrid.metering.budget.RunningJob;
import io.computegrid.server.jobs.JobStore;
import io.computegrid.server.runtime.JobRuntime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A periodic metering slice: usage of every running task, budget caps (stop or alert), voucher expiry. */
public final class MeteringSlice implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(MeteringSlice.class);
    private final JobRuntime runtime;
    private final Metering metering;
    private final JobStore jobs;
    private final BudgetAlerts alerts = new BudgetAlerts();

    public MeteringSlice(JobRuntime runtime, Metering metering, JobStore jobs) {
        this.runtime = runtime;
        this.metering = metering;
        this.jobs = jobs;
    }

    private RunningJob view(JobStore.JobRow j) {
        var spec = jobs.spec(j.specJson());
        return new RunningJob(j.id(), j.tenant(), spec.budget(), j.center(), j.pool(), j.accelerator(),
                spec.preemptible());
    }

    @Override
    public void run() {
        try {
            List<Overrun> over = new ArrayList<>();
            runtime.meterRunning((h, running) -> over.addAll(metering.overruns(h, running.stream()
                    .map(this::view).toList())));
            for (Overrun o : over) {
                if (o.stop()) {
                    runtime.stop(o.jobId(), "CANCEL", "stopped at its budget cap: " + o.reason());
                }
            }
            for (Overrun o : alerts.news(over.stream().filter(o -> !o.stop()).toList())) {
                log.warn("job={} tenant={} event=BUDGET_ALERT msg=\"{}\"", o.jobId(), o.tenant(), o.reason());
            }
            metering.expireDueVouchers();
        } catch (RuntimeException e) {
            log.warn("periodic metering failed: {}", e.toString());
        }
    }
}
