package io.computegrid.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.sim.trace.NodeListReader;
import io.computegrid.sim.trace.TraceException;
import io.computegrid.sim.trace.TraceFormat;
import io.computegrid.sim.trace.TraceJob;
import io.computegrid.sim.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceReadersTest {
    @TempDir
    Path dir;

    static Path resource(String name) {
        return Path.of("src/test/resources", name);
    }

    static List<TraceJob> readAll(TraceFormat f, Path p) {
        List<TraceJob> out = new ArrayList<>();
        try (TraceReader r = f.open(p)) {
            r.forEachRemaining(out::add);
        }
        return out;
    }

    @Test
    void phillyRowsBecomeJobsOfTheirVirtualCluster() {
        List<TraceJob> jobs = readAll(TraceFormat.PHILLY, resource("philly-head200.csv"));
        assertThat(jobs).hasSize(200);
        TraceJob first = jobs.get(0); // 2017-10-09 07:01:55,66.0,1,66.0,11cb48
        assertThat(first.tenant()).isEqualTo("11cb48");
        assertThat(first.durationMillis()).isEqualTo(66_000);
        assertThat(first.milliGpus()).isEqualTo(1000);
        assertThat(first.submitMillis()).isEqualTo(java.time.LocalDateTime.of(2017, 10, 9, 7, 1, 55)
                .toEpochSecond(java.time.ZoneOffset.UTC) * 1000);
        assertThat(first.line()).isEqualTo(2);
        assertThat(jobs).allSatisfy(j -> assertThat(j.gpuTypes()).isEmpty());
    }

    @Test
    void openbPodsKeepFractionsAndQosAsTenant() {
        List<TraceJob> jobs = readAll(TraceFormat.OPENB, resource("openb-pods-head200.csv"));
        assertThat(jobs).hasSize(200);
        TraceJob p1 = jobs.get(1); // openb-pod-0001,6000,12288,1,460,,LS,Running,427061,12902960,427061
        assertThat(p1.jobId()).isEqualTo("openb-pod-0001");
        assertThat(p1.milliGpus()).isEqualTo(460);
        assertThat(p1.cpuMilli()).isEqualTo(6000);
        assertThat(p1.memoryMiB()).isEqualTo(12288);
        assertThat(p1.tenant()).isEqualTo("ls");
        assertThat(p1.submitMillis()).isEqualTo(427_061_000L);
        assertThat(p1.durationMillis()).isEqualTo((12_902_960L - 427_061L) * 1000);
    }

    @Test
    void openbGpuSpecConstrainsModels() {
        List<TraceJob> jobs = readAll(TraceFormat.OPENB, resource("openb-gpuspec-60.csv"));
        assertThat(jobs).hasSize(60);
        assertThat(jobs.get(0).gpuTypes()).containsExactly("V100M16", "V100M32");
        assertThat(jobs.get(1).gpuTypes()).containsExactly("T4");
    }

    @Test
    void openbNodeListGroupsIdenticalNodesIntoPools() {
        var fed = FederationSetup.fromNodes("openb", NodeListReader.read(resource("openb-nodes-sample.csv")));
        assertThat(fed.catalog().contains("V100M32")).isTrue();
        assertThat(fed.catalog().contains("G2")).isTrue();
        long cards = fed.centers().get(0).pools().stream().mapToLong(p -> p.totalCards()).sum();
        assertThat(cards).isGreaterThan(0);
        assertThat(fed.centers().get(0).pools().stream().mapToInt(p -> p.nodes()).sum()).isEqualTo(38);
    }

    @Test
    void projectCsvReadsOptionalColumns() throws IOException {
        Path f = dir.resolve("t.csv");
        Files.writeString(f, "job_id,submit_time,duration,num_gpus,tenant,gpu_type,max_runtime,center\n"
                + "j1,1.5,10,0.5,lab-a,nvidia-a100|nvidia-h100,20,bj\n"
                + "j2,2,3,16,,,,\n");
        List<TraceJob> jobs = readAll(TraceFormat.CSV, f);
        assertThat(jobs.get(0)).isEqualTo(new TraceJob(2, "j1", "lab-a", 1500, 10_000, 500, 0, 0,
                List.of("nvidia-a100", "nvidia-h100"), 20_000, "bj"));
        assertThat(jobs.get(1).tenant()).isEqualTo("default");
        assertThat(jobs.get(1).milliGpus()).isEqualTo(16_000);
        assertThat(jobs.get(1).center()).isNull();
    }

    private TraceException error(TraceFormat f, String content) throws IOException {
        Path p = dir.resolve("bad.csv");
        Files.writeString(p, content);
        try {
            readAll(f, p);
        } catch (TraceException e) {
            assertThat(e.getMessage()).doesNotContain("\n");
            return e;
        }
        throw new AssertionError("no error for " + content);
    }

    @Test
    void badInputNamesFileLineAndColumn() throws IOException {
        assertThat(error(TraceFormat.CSV, "submit_time,duration,num_gpus\n0,10,1\n5,abc,1\n").getMessage())
                .isEqualTo("bad.csv:3: column 2 (duration): 'abc' is not a number");
        assertThat(error(TraceFormat.CSV, "submit_time,duration,num_gpus\n0,-4,1\n").getMessage())
                .isEqualTo("bad.csv:2: column 2 (duration): must not be negative (got -4)");
        assertThat(error(TraceFormat.CSV, "submit_time,num_gpus\n0,1\n").getMessage())
                .startsWith("bad.csv:1: missing column 'duration'");
        assertThat(error(TraceFormat.CSV, "submit_time,duration,num_gpus\n0,10,1.5\n").getMessage())
                .isEqualTo("bad.csv:2: column 3 (num_gpus): above 1 must be a whole number of cards (got 1.5)");
        assertThat(error(TraceFormat.PHILLY, "timestamp,duration,num_gpus,gpu_time,cluster\n"
                + "2017-10-09 07:01:55,66.0,1,66.0,11cb48\n2017-13-01 00:00:00,1,1,1,x\n").getMessage())
                .isEqualTo("bad.csv:3: column 1 (timestamp): '2017-13-01 00:00:00' is not a time as "
                        + "YYYY-MM-DD HH:MM:SS");
        assertThat(error(TraceFormat.OPENB, "name,cpu_milli,memory_mib,num_gpu,gpu_milli\np,1000,10,1,1500\n")
                .getMessage()).isEqualTo("bad.csv:2: column 5 (gpu_milli): must be between 1 and 1000 for a "
                        + "one-GPU pod (got 1500)");
        assertThat(error(TraceFormat.OPENB, "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,"
                + "creation_time,deletion_time,scheduled_time\np,1000,10,1,100,,LS,Running,10,5,\n").getMessage())
                .isEqualTo("bad.csv:2: column 10 (deletion_time): deletion before the pod was created "
                        + "(negative duration)");
    }

    @Test
    void missingFileAndUnknownFormatAreOneLineErrors() {
        assertThatThrownBy(() -> TraceFormat.CSV.open(dir.resolve("nope.csv")))
                .isInstanceOf(TraceException.class).hasMessageEndingWith("nope.csv: no such file");
        assertThatThrownBy(() -> TraceFormat.byName("swf"))
                .hasMessage("unknown trace format 'swf'; known: philly, openb, csv");
    }
}
