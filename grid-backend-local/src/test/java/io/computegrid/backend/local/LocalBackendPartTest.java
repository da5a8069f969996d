package io.computegrid.backend.local;

import static io.computegrid.backend.local.Jobs.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.backend.BackendException;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.Rendezvous;
import io.computegrid.backend.TaskLaunch;
import io.computegrid.backend.local.LocalBackendOptions.PortRange;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gang split over several backends (agents): this backend runs some of its tasks and meets the others. */
class LocalBackendPartTest {
    @TempDir
    Path dir;
    Recorder rec;
    LocalBackend backend;
    ServerSocket squatter;
    PortRange range;

    @BeforeEach
    void start() throws Exception {
        squatter = new ServerSocket();
        squatter.bind(new InetSocketAddress(0));
        int p = squatter.getLocalPort();
        // a range of three whose first port another program already holds
        range = new PortRange(p, Math.min(65535, p + 2));
        rec = new Recorder();
        backend = new LocalBackend("edge", rec, LocalBackendLaunchTest.FAST.withPorts(range));
    }

    @AfterEach
    void stop() throws Exception {
        backend.close();
        squatter.close();
    }

    private static LaunchRequest part(LaunchRequest whole, List<TaskLaunch> tasks, Rendezvous r) {
        return whole.part(tasks, r, whole.logDir(), whole.checkpointDir());
    }

    @Test
    void aPartOfAGangSeesTheWholeGangsSizeAndTheChosenRendezvous() throws Exception {
        Jobs j = job(61, dir).tasks(3).command("/usr/bin/env");
        LaunchRequest whole = j.build();
        Rendezvous meet = new Rendezvous("127.0.0.7", 29_555, 3);
        backend.launch(part(whole, List.of(whole.tasks().get(2)), meet));
        assertThat(rec.exit(61, 2).exitCode()).isZero();
        Map<String, String> env = LocalBackendLaunchTest.envFromLog(j.log(2));
        assertThat(env).containsEntry("GRID_TASK_INDEX", "2").containsEntry("GRID_TASKS", "3")
                .containsEntry("GRID_MASTER_ADDR", "127.0.0.7").containsEntry("GRID_MASTER_PORT", "29555");
        assertThat(rec.exits(61)).hasSize(1);
    }

    @Test
    void aServingTaskGetsAPortOfTheRangeThatIsFreeAndNotTheRendezvous() throws Exception {
        Jobs j = job(62, dir).tasks(1).command("sleep", "30").exposePort();
        LaunchRequest whole = j.build();
        int rendezvous = range.from() + 1;
        backend.launch(part(whole, whole.tasks(), new Rendezvous("127.0.0.1", rendezvous, 1)));
        rec.started(62, 0);
        Recorder.Endpoint e = rec.of(Recorder.Endpoint.class).get(0);
        assertThat(e.port()).as("not the squatted port, not the rendezvous").isEqualTo(range.to());
        // the range is used up while that task lives: a second serving task cannot get a port
        Jobs k = job(63, dir).tasks(1).command("true").exposePort().firstCard(5);
        assertThatThrownBy(() -> backend.launch(k.build())).isInstanceOf(BackendException.class)
                .hasMessageContaining("in use").matches(x -> ((BackendException) x).retryable());
        backend.cancel(62, 1, null, "done");
        rec.exit(62, 0);
        backend.launch(k.build());
        assertThat(rec.exit(63, 0).exitCode()).isZero();
        assertThat(rec.of(Recorder.Endpoint.class).get(1).port()).isIn(rendezvous, range.to());
    }

    @Test
    void indicesMustFitTheWholeGang() {
        Jobs j = job(64, dir).tasks(2);
        LaunchRequest whole = j.build();
        assertThatThrownBy(() -> backend.launch(part(whole, whole.tasks(), new Rendezvous("127.0.0.1", 29_000, 1))))
                .isInstanceOf(BackendException.class).hasMessageContaining("the gang has 1 tasks");
    }
}
