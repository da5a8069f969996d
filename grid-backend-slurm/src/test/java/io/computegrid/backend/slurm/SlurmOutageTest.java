package io.computegrid.backend.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.backend.BackendException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A controller outage and a lost node, rehearsed on cluster B so the other tests' cluster stays calm. */
@ExtendWith(SlurmClusters.class)
class SlurmOutageTest {
    private static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void slurmctldStoppedAndStartedAgainLosesNothing() throws Exception {
        RecordingListener events = new RecordingListener();
        try (SlurmBackend b = new SlurmBackend("hpc-b", SlurmClusters.spec(SlurmClusters.B, Map.of()), events)) {
            long id = Launches.nextId();
            var r = Launches.gang(id, "hpc-b", SlurmClusters.jobsDir(SlurmClusters.B), 2, 1,
                    List.of("sh", "-c", "echo begun; sleep 6; echo survived $GRID_TASK_INDEX"));
            b.launch(r);
            events.await("started", id, 2, WAIT);
            // both tasks really run (srun created the step) before the controller goes away
            RecordingListener.awaitTrue("tasks running", WAIT, v -> java.nio.file.Files.exists(r.logDir().resolve("task-0.log"))
                    && java.nio.file.Files.exists(r.logDir().resolve("task-1.log")));

            SlurmClusters.slurmctld(SlurmClusters.B, "stop");
            try {
                assertThatThrownBy(b::ping).isInstanceOf(BackendException.class)
                        .matches(e -> ((BackendException) e).retryable(), "retryable while slurmctld is down")
                        .hasMessageMatching(".*(not answering|timed out).*");
                long during = Launches.nextId();
                assertThatThrownBy(() -> b.launch(Launches.gang(during, "hpc-b", SlurmClusters.jobsDir(SlurmClusters.B), 1, 0,
                        List.of("true")))).isInstanceOf(BackendException.class)
                        .matches(e -> ((BackendException) e).retryable(), "retryable while slurmctld is down");
                RecordingListener.awaitTrue("a failed poll", WAIT, v -> b.lastError() != null);
                assertThat(events.of("exited", id)).isEmpty(); // an outage is not an ending
            } finally {
                SlurmClusters.slurmctld(SlurmClusters.B, "start");
            }
            RecordingListener.awaitTrue("ping after restart", WAIT, v -> {
                try {
                    b.ping();
                    return true;
                } catch (BackendException e) {
                    return false;
                }
            });
            List<RecordingListener.Event> exits = events.await("exited", id, 2, WAIT);
            assertThat(exits).allMatch(e -> e.exitCode() == 0 && e.reason().equals("exited"));
            assertThat(java.nio.file.Files.readString(r.logDir().resolve("task-1.log"))).contains("survived 1");
            assertThat(b.lastError()).isNull();
            assertThat(b.followed()).isZero();
        }
    }

    @Test
    void aNodeTakenDownUnderAJobIsReported() throws Exception {
        RecordingListener events = new RecordingListener();
        try (SlurmBackend b = new SlurmBackend("hpc-b", SlurmClusters.spec(SlurmClusters.B, Map.of()), events)) {
            long id = Launches.nextId();
            String handle = b.launch(Launches.gang(id, "hpc-b", SlurmClusters.jobsDir(SlurmClusters.B), 1, 1, List.of("sleep", "300")));
            events.await("started", id, 1, WAIT);
            String job = SlurmClusters.scontrol(SlurmClusters.B, "show", "job", handle);
            String node = job.replaceAll("(?s).*\\sNodeList=(\\S+).*", "$1");
            assertThat(node).startsWith("gtbn");
            SlurmClusters.scontrol(SlurmClusters.B, "update", "nodename=" + node, "state=down", "reason=test");
            try {
                RecordingListener.Event exit = events.await("exited", id, 1, WAIT).get(0);
                assertThat(exit.reason()).contains("NODE_FAIL");
                assertThat(exit.exitCode()).isNotZero();
                // Slurm requeued its copy (22.05 ignores requeue=false); the backend cancelled it so it never runs twice
                RecordingListener.awaitTrue("slurm job cancelled", WAIT, v -> {
                    try {
                        return SlurmClusters.scontrol(SlurmClusters.B, "show", "job", handle).contains("JobState=CANCELLED");
                    } catch (Exception e) {
                        return false;
                    }
                });
            } finally {
                // ReturnToService=2 usually brings the node back by itself; resume it if not
                if (SlurmClusters.scontrol(SlurmClusters.B, "show", "node", node).contains("State=DOWN")) {
                    SlurmClusters.scontrol(SlurmClusters.B, "update", "nodename=" + node, "state=resume");
                }
            }
        }
    }
}
