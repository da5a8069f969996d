package io.computegrid.backend.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.backend.ActiveJob;
import io.computegrid.backend.Backend.JobStatus;
import io.computegrid.backend.BackendException;
import io.computegrid.backend.DiscoveredNode;
import io.computegrid.backend.LaunchRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Against two real Slurm clusters started by scripts/slurm/start-cluster.sh (see {@link SlurmClusters}). */
@ExtendWith(SlurmClusters.class)
class SlurmBackendTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final RecordingListener events = new RecordingListener();
    private SlurmBackend a;
    private SlurmBackend b;

    private SlurmBackend backend(String center, String cluster) {
        return new SlurmBackend(center, SlurmClusters.spec(cluster, Map.of()), events);
    }

    @AfterEach
    void close() {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    @Test
    void gangRunsOnTheRightClusterWithGridEnvAndItsOutputIsReadBack() throws Exception {
        a = backend("hpc-a", SlurmClusters.A);
        b = backend("hpc-b", SlurmClusters.B);
        long id = Launches.nextId();
        String evil = "it's; $(touch /tmp/grid-pwned) `id` \"x\"\nline2";
        LaunchRequest r = Launches.gang(id, "hpc-a", SlurmClusters.jobsDir(SlurmClusters.A), 2, 2, List.of("sh", "-c",
                "echo task=$GRID_TASK_INDEX of=$GRID_TASKS job=$GRID_JOB_ID center=$GRID_CENTER cluster=$SLURM_CLUSTER_NAME"
                        + " node=$GRID_NODE cards=$GRID_ACCELERATORS cuda=$CUDA_VISIBLE_DEVICES master=$GRID_MASTER_ADDR:$GRID_MASTER_PORT;"
                        + " echo \"user=$USER_VAR\"; printf 'arg=%s\\n' \"$1\"; exit $((GRID_TASK_INDEX + 3))", "grid", evil));
        String handle = a.launch(r);
        assertThat(handle).matches("\\d+");

        List<RecordingListener.Event> exits = events.await("exited", id, 2, WAIT);
        assertThat(events.of("started", id)).extracting(RecordingListener.Event::task).containsExactlyInAnyOrder(0, 1);
        assertThat(events.of("started", id)).allMatch(e -> e.handle().equals(handle));
        assertThat(exits).extracting(e -> e.task() + ":" + e.exitCode()).containsExactlyInAnyOrder("0:3", "1:4");
        assertThat(exits).allMatch(e -> e.reason().contains("exited"));

        String t0 = Files.readString(r.logDir().resolve("task-0.log"));
        String t1 = Files.readString(r.logDir().resolve("task-1.log"));
        assertThat(t0).contains("task=0 of=2 job=" + id + " center=hpc-a cluster=gta")
                .contains("cards=0,1 cuda=0,1").contains("master=127.0.0.1:")
                .contains("user=it's \"quoted\" $HOME")
                .contains("arg=" + evil);
        assertThat(t1).contains("task=1 of=2").contains("cluster=gta");
        // the two tasks ran on two different Slurm nodes of cluster A
        String n0 = t0.replaceAll("(?s).*node=(\\S+).*", "$1");
        String n1 = t1.replaceAll("(?s).*node=(\\S+).*", "$1");
        assertThat(n0).startsWith("gtan");
        assertThat(n1).startsWith("gtan").isNotEqualTo(n0);
        assertThat(Path.of("/tmp/grid-pwned")).doesNotExist();

        // the same kind of job sent to center B runs on cluster B
        long idB = Launches.nextId();
        LaunchRequest rb = Launches.gang(idB, "hpc-b", SlurmClusters.jobsDir(SlurmClusters.B), 1, 1,
                List.of("sh", "-c", "echo cluster=$SLURM_CLUSTER_NAME center=$GRID_CENTER"));
        b.launch(rb);
        assertThat(events.await("exited", idB, 1, WAIT).get(0).exitCode()).isZero();
        assertThat(Files.readString(rb.logDir().resolve("task-0.log"))).contains("cluster=gtb center=hpc-b");
    }

    @Test
    void cancelCancelsTheJobInSlurm() throws Exception {
        a = backend("hpc-a", SlurmClusters.A);
        long id = Launches.nextId();
        String handle = a.launch(Launches.gang(id, "hpc-a", SlurmClusters.jobsDir(SlurmClusters.A), 1, 1, List.of("sleep", "300")));
        events.await("started", id, 1, WAIT);
        a.cancel(id, 1, handle, "cancelled by user");
        RecordingListener.Event exit = events.await("exited", id, 1, WAIT).get(0);
        assertThat(exit.reason()).isEqualTo("killed: cancelled by user");
        assertThat(exit.exitCode()).isNotZero();
        assertThat(SlurmClusters.scontrol(SlurmClusters.A, "show", "job", handle)).contains("JobState=CANCELLED");
        assertThat(a.reconcile(List.of(new ActiveJob(id, 1, handle)))).containsEntry(id, JobStatus.CANCELLED);
        a.cancel(id, 1, handle, "again"); // idempotent
        Thread.sleep(600);
        assertThat(events.of("exited", id)).hasSize(1); // neither the second cancel nor reconcile reports the end twice
    }

    @Test
    void anImpossibleJobIsRefusedWithSlurmsReason() throws Exception {
        a = backend("hpc-a", SlurmClusters.A);
        long id = Launches.nextId();
        assertThatThrownBy(() -> a.launch(Launches.gang(id, "hpc-a", SlurmClusters.jobsDir(SlurmClusters.A), 1, 99, List.of("true"))))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("Requested node configuration is not available")
                .matches(e -> !((BackendException) e).retryable(), "not retryable");
        // more nodes than the partition has: also refused by Slurm, with its own words
        assertThatThrownBy(() -> a.launch(Launches.gang(Launches.nextId(), "hpc-a", SlurmClusters.jobsDir(SlurmClusters.A), 6, 1, List.of("true"))))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("HTTP 500");
    }

    @Test
    void discoveryCountsGpusAndCardsSlurmRunsForOthersAsBusy() throws Exception {
        a = backend("hpc-a", SlurmClusters.A);
        long id = Launches.nextId();
        String ours = a.launch(Launches.gang(id, "hpc-a", SlurmClusters.jobsDir(SlurmClusters.A), 1, 2, List.of("sleep", "300")));
        events.await("started", id, 1, WAIT);
        // a job computegrid did not start, straight through slurmrestd
        SlurmRestClient raw = new SlurmRestClient("raw", a.settings(), java.time.Clock.systemUTC());
        var body = SlurmRestClient.JSON.createObjectNode();
        body.put("script", "#!/bin/bash\nsleep 300\n");
        var job = body.putObject("job");
        job.put("partition", "batch");
        job.put("gres", "gpu:3");
        job.put("current_working_directory", "/tmp");
        job.putObject("environment").put("PATH", "/usr/bin:/bin");
        String foreign = raw.post("/job/submit", body).path("job_id").asString();
        try {
            RecordingListener.awaitTrue("foreign job running", WAIT, v -> {
                try {
                    return SlurmClusters.scontrol(SlurmClusters.A, "show", "job", foreign).contains("JobState=RUNNING");
                } catch (Exception e) {
                    return false;
                }
            });
            List<DiscoveredNode> nodes = a.discover().orElseThrow();
            assertThat(nodes).hasSize(4).allMatch(n -> n.cards() == 8 && n.accelerator().equals("nvidia-a100")
                    && n.pool().equals("batch") && n.cpuMilli() == 64_000 && n.memoryMiB() == 512_000 && n.up());
            assertThat(nodes.stream().mapToInt(DiscoveredNode::foreignBusyCards).sum()).isEqualTo(3);
        } finally {
            raw.delete("/job/" + foreign);
            a.cancel(id, 1, ours, "test over");
        }
    }

    @Test
    void faultsGiveClearMessages() throws Exception {
        a = new SlurmBackend("hpc-a", SlurmClusters.spec(SlurmClusters.A, Map.of("partition", "nope")), events);
        assertThatThrownBy(a::ping).isInstanceOf(BackendException.class)
                .hasMessageContaining("partition 'nope' does not exist").matches(e -> !((BackendException) e).retryable(), "not retryable");
        assertThatThrownBy(() -> a.launch(Launches.gang(Launches.nextId(), "hpc-a", SlurmClusters.jobsDir(SlurmClusters.A), 1, 0, List.of("true"))))
                .isInstanceOf(BackendException.class).hasMessageContaining("nvalid partition");
        a.close();

        Path wrongKey = Files.createTempFile("wrong", ".key");
        Files.write(wrongKey, new byte[32]);
        a = new SlurmBackend("hpc-a", SlurmClusters.spec(SlurmClusters.A, Map.of("jwtKeyFile", wrongKey.toString())), events);
        assertThatThrownBy(a::ping).isInstanceOf(BackendException.class)
                .hasMessageContaining("rejected the token").hasMessageContaining(wrongKey.toString());
        a.close();

        a = new SlurmBackend("hpc-a", SlurmClusters.spec(SlurmClusters.A, Map.of("url", "http://127.0.0.1:9", "timeout", "1s")), events);
        assertThatThrownBy(a::ping).isInstanceOf(BackendException.class)
                .hasMessageContaining("unreachable").matches(e -> ((BackendException) e).retryable(), "retryable");
        a.close();

        assertThatThrownBy(() -> new SlurmBackend("hpc-a", SlurmClusters.spec(SlurmClusters.A, Map.of("pollInterval", "soon")), events))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pollInterval 'soon'");
        a = backend("hpc-a", SlurmClusters.A);
        a.ping();
    }

    @Test
    void reconcileAdoptsRunningJobsAfterARestartAndNeverStartsTwice() throws Exception {
        RecordingListener first = new RecordingListener();
        SlurmBackend before = new SlurmBackend("hpc-a", SlurmClusters.spec(SlurmClusters.A, Map.of()), first);
        long id = Launches.nextId();
        LaunchRequest r = Launches.gang(id, "hpc-a", SlurmClusters.jobsDir(SlurmClusters.A), 1, 1, List.of("sleep", "4"));
        String handle = before.launch(r);
        first.await("started", id, 1, WAIT);
        before.close(); // computegrid goes away

        a = backend("hpc-a", SlurmClusters.A);
        Map<Long, JobStatus> seen = a.reconcile(List.of(new ActiveJob(id, 1, handle), new ActiveJob(424242, 1, "999999"),
                new ActiveJob(424243, 1, handle)));
        assertThat(seen).containsEntry(id, JobStatus.RUNNING).containsEntry(424242L, JobStatus.UNKNOWN)
                .containsEntry(424243L, JobStatus.UNKNOWN); // the handle belongs to another job
        assertThat(a.launch(r)).isEqualTo(handle); // a repeated launch of the same attempt adopts it
        RecordingListener.Event exit = events.await("exited", id, 1, WAIT).get(0);
        assertThat(exit.exitCode()).isZero();
        assertThat(events.of("started", id)).isEmpty(); // it had started before the restart
    }

    @Test
    void aJobThatEndedWhileComputegridWasDownIsReportedWithItsRealExitCodes() throws Exception {
        RecordingListener first = new RecordingListener();
        SlurmBackend before = new SlurmBackend("hpc-a", SlurmClusters.spec(SlurmClusters.A, Map.of()), first);
        long id = Launches.nextId();
        String handle = before.launch(Launches.gang(id, "hpc-a", SlurmClusters.jobsDir(SlurmClusters.A), 2, 0,
                List.of("sh", "-c", "sleep 1; exit $GRID_TASK_INDEX")));
        first.await("started", id, 2, WAIT);
        before.close();
        RecordingListener.awaitTrue("job over in slurm", WAIT, v -> {
            try {
                return SlurmClusters.scontrol(SlurmClusters.A, "show", "job", handle).contains("JobState=FAILED");
            } catch (Exception e) {
                return false;
            }
        });
        a = backend("hpc-a", SlurmClusters.A);
        assertThat(a.reconcile(List.of(new ActiveJob(id, 1, handle)))).containsEntry(id, JobStatus.FAILED);
        assertThat(events.await("exited", id, 2, WAIT)).extracting(e -> e.task() + ":" + e.exitCode())
                .containsExactlyInAnyOrder("0:0", "1:1");
        assertThat(events.of("started", id)).isEmpty();
    }

    @Test
    void aBusyClusterIsPolledJobByJob() throws Exception {
        a = backend("hpc-a", SlurmClusters.A);
        SlurmRestClient raw = new SlurmRestClient("raw", a.settings(), java.time.Clock.systemUTC());
        for (int i = 0; i < 12; i++) { // others' short jobs: Slurm lists them for MinJobAge after they end
            var body = SlurmRestClient.JSON.createObjectNode();
            body.put("script", "#!/bin/bash\ntrue\n");
            var job = body.putObject("job");
            job.put("partition", "batch");
            job.put("current_working_directory", "/tmp");
            job.putObject("environment").put("PATH", "/usr/bin:/bin");
            raw.post("/job/submit", body);
        }
        long id = Launches.nextId();
        LaunchRequest r = Launches.gang(id, "hpc-a", SlurmClusters.jobsDir(SlurmClusters.A), 1, 1, List.of("sh", "-c", "sleep 2; exit 7"));
        a.launch(r); // its first launch lists the cluster's jobs once
        RecordingListener.Event exit = events.await("exited", id, 1, WAIT).get(0);
        assertThat(exit.exitCode()).isEqualTo(7);
        assertThat(a.perJobPolls).isPositive();
        assertThat(a.followed()).isZero();
    }

    @Test
    void aLaunchAfterARestartWithoutHandleAdoptsTheRunningAttempt() throws Exception {
        SlurmBackend before = new SlurmBackend("hpc-a", SlurmClusters.spec(SlurmClusters.A, Map.of()), new RecordingListener());
        long id = Launches.nextId();
        LaunchRequest r = Launches.gang(id, "hpc-a", SlurmClusters.jobsDir(SlurmClusters.A), 1, 1, List.of("sleep", "60"));
        String handle = before.launch(r);
        before.close();
        a = backend("hpc-a", SlurmClusters.A);
        assertThat(a.launch(r)).isEqualTo(handle);
        a.cancel(id, 1, handle, "test over");
        events.await("exited", id, 1, WAIT);
    }
}
