package io.computegrid.cli;

import io.computegrid.cli.ha.FailoverBench;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code grid bench failover}: repeated kill -9 of the active server; failover time and zero double dispatch. */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = "Kill -9 the active server of an active/standby pair each round: seconds until the standby is"
                + " ready (p50/p99/max) against a cold restart of a lone server in the same run, and checks that no"
                + " job attempt ran twice or overlapped another attempt and that every acknowledged job finished.")
public final class FailoverBenchCommand implements Callable<Integer> {
    @Option(names = "--rounds", defaultValue = "5", description = "Kills of the active server (default ${DEFAULT-VALUE})")
    int rounds;
    @Option(names = "--cold-restarts", defaultValue = "3",
            description = "Reference: cold restarts of a lone server (default ${DEFAULT-VALUE}; 0 skips)")
    int coldRestarts;
    @Option(names = "--task-seconds", defaultValue = "4", description = "How long each job's task runs (default ${DEFAULT-VALUE})")
    double taskSeconds;
    @Option(names = "--submit-every-ms", defaultValue = "400", description = "Submission interval (default ${DEFAULT-VALUE})")
    int submitEveryMs;
    @Option(names = "--keep", description = "Keep the work directory (server logs, task markers) and print where")
    boolean keep;
    @Option(names = {"-o", "--output"}, description = "json for one JSON document")
    String output;

    @Override
    public Integer call() throws Exception {
        if (output != null && !"json".equals(output)) {
            throw new CliException("-o: takes json", 2);
        }
        if (submitEveryMs < 10 || submitEveryMs > 60_000) {
            throw new CliException("--submit-every-ms: must be between 10 and 60000", 2);
        }
        FailoverBench.Options o;
        try {
            o = new FailoverBench.Options(rounds, coldRestarts, taskSeconds, Duration.ofMillis(submitEveryMs),
                    keep ? Path.of(System.getProperty("java.io.tmpdir"), "grid-failover-" + ProcessHandle.current().pid())
                            : null, keep);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
        Map<String, Object> r = FailoverBench.run(o, m -> System.err.println("bench failover: " + m));
        boolean ok = Boolean.TRUE.equals(r.get("zeroDoubleDispatch")) && Boolean.TRUE.equals(r.get("allAcknowledgedJobsSucceeded"));
        if ("json".equals(output)) {
            Output.json(r);
        } else {
            System.out.printf("failover over %d kill -9 rounds: p50 %.2f s, p99 %.2f s, max %.2f s (goal p99 <= 10 s)%n",
                    rounds, r.get("failoverP50Seconds"), r.get("failoverP99Seconds"), r.get("failoverMaxSeconds"));
            if (r.get("coldRestartSeconds") != null) {
                System.out.printf("reference: cold restart of a lone server %.2f s (p99 failover / cold restart %.2fx)%n",
                        r.get("coldRestartSeconds"), r.get("failoverP99ToColdRestart"));
            }
            System.out.printf("jobs: %s acknowledged, %s succeeded; attempts: %s started, %s requeued%n",
                    r.get("jobsAcknowledged"), r.get("jobsSucceeded"), r.get("attemptsStarted"), r.get("attemptsRequeued"));
            System.out.println("zero double dispatch: " + (Boolean.TRUE.equals(r.get("zeroDoubleDispatch")) ? "yes"
                    : "NO " + r.get("doubleStarts") + " " + r.get("overlappingAttempts")));
            if (!((List<?>) r.get("jobsLost")).isEmpty() || !((List<?>) r.get("jobsNotSucceeded")).isEmpty()) {
                System.out.println("acknowledged jobs lost: " + r.get("jobsLost") + "; not succeeded: " + r.get("jobsNotSucceeded"));
            }
            if (r.get("workDir") != null) {
                System.out.println("work directory kept: " + r.get("workDir"));
            }
        }
        if (!ok) {
            System.err.println("grid bench failover: the correctness checks failed (see the report)");
            return 1;
        }
        return 0;
    }
}
