package io.computegrid.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.sim.report.ReportWriter;
import io.computegrid.sim.trace.TraceException;
import io.computegrid.sim.trace.TraceJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class RunnerTest {
    @TempDir
    Path dir;

    Path federation(String yaml) throws IOException {
        Path f = dir.resolve("fed.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    static final String SMALL_PHILLY = """
            centers:
              - name: philly
                pools:
                  - {name: gpu, accelerator: nvidia-p100, nodes: 2, acceleratorsPerNode: 8}
            """;

    SimulationRunner.Outcome run(Path trace, String format, Path fed, List<String> policies, Path out,
                                 SimOptions o) {
        return SimulationRunner.run(new SimulationRunner.Request(trace, format, fed, null, policies, out, o),
                null, null);
    }

    @Test
    void sameInputSameResultForEveryPolicy() throws IOException {
        Path fed = federation(SMALL_PHILLY);
        Path trace = TraceReadersTest.resource("philly-head200.csv");
        for (String policy : List.of("fifo", "default", "las", "sjf", "backfill")) {
            Path a = dir.resolve(policy + "-a");
            Path b = dir.resolve(policy + "-b");
            Map<String, Object> first = run(trace, "philly", fed, List.of(policy), a, SimOptions.defaults()).document();
            Map<String, Object> second = run(trace, "philly", fed, List.of(policy), b, SimOptions.defaults()).document();
            first.remove("schedulerSeconds");
            second.remove("schedulerSeconds");
            assertThat(second).as(policy).isEqualTo(first);
            assertThat(Files.readString(b.resolve("jobs.csv"))).as(policy)
                    .isEqualTo(Files.readString(a.resolve("jobs.csv")));
            assertThat((long) first.get("jobs")).isEqualTo(200);
        }
    }

    @Test
    void compareWritesOneSelfContainedReportForAllPolicies() throws IOException {
        Path out = dir.resolve("out");
        SimulationRunner.Outcome o = run(TraceReadersTest.resource("philly-head200.csv"), null,
                federation(SMALL_PHILLY), List.of("fifo", "backfill", "default"), out, SimOptions.defaults());
        assertThat(o.results()).extracting(SimResult::policy).containsExactly("fifo", "backfill", "default");
        JsonNode summary = ReportWriter.JSON.readTree(Files.readString(out.resolve("summary.json")));
        assertThat(summary.get("compare")).hasSize(3);
        for (String field : List.of("jobs", "avgJctSeconds", "p50JctSeconds", "p99JctSeconds", "avgQueueSeconds",
                "p99QueueSeconds", "avgSlowdown", "makespanSeconds", "makespanLowerBoundSeconds", "utilization",
                "jainFairness", "wallSeconds", "tenants", "rejected")) {
            assertThat(summary.has(field)).as(field).isTrue();
        }
        assertThat(summary.get("makespanSeconds").asDouble())
                .isGreaterThanOrEqualTo(summary.get("makespanLowerBoundSeconds").asDouble());
        List<String> jobs = Files.readAllLines(out.resolve("jobs.csv"));
        assertThat(jobs.get(0)).startsWith("job_id,tenant,num_gpus,submit_time,start_time,end_time,status");
        assertThat(jobs).hasSize(201);
        assertThat(out.resolve("jobs-backfill.csv")).exists();
        assertThat(Files.readAllLines(out.resolve("timeseries.csv")).get(0))
                .isEqualTo("policy,time_seconds,utilization,pending_jobs,running_jobs");
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("GPU utilisation over time", "Queue length over time", "JCT distribution",
                "Per-tenant share");
        assertThat(html.split("<svg", -1)).hasSize(5);
        assertThat(html).doesNotContain("<script", "<link", "src=");
        assertThat(html.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http");
    }

    @Test
    void jobsThatFitNowhereAreCountedAndListedAsRejected() throws IOException {
        Path trace = dir.resolve("t.csv");
        Files.writeString(trace, "job_id,submit_time,duration,num_gpus,gpu_type,center\n"
                + "ok,0,10,1,,\n"
                + "wrong-model,0,10,1,nvidia-h100,\n"
                + "too-big,1,10,32,,\n"
                + "nowhere,2,10,1,,mars\n");
        Path out = dir.resolve("out");
        Map<String, Object> s = run(trace, "csv", federation(SMALL_PHILLY), List.of("fifo"), out,
                SimOptions.defaults()).document();
        assertThat(s.get("rejected")).isEqualTo(3L);
        assertThat(s.get("finished")).isEqualTo(1);
        assertThat(s.get("jobs")).isEqualTo(4L);
        List<String> rows = Files.readAllLines(out.resolve("jobs.csv"));
        assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("wrong-model,").contains(",rejected,"));
        assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("too-big,default,32,1,,,rejected,")
                .contains("do not fit"));
        assertThat(rows).anySatisfy(r -> assertThat(r).startsWith("nowhere,").contains(",rejected,"));
    }

    @Test
    void fillRunsThePackingExperiment() throws IOException {
        SimOptions fill = SimOptions.defaults().withFill(true);
        Path out = dir.resolve("fill");
        Map<String, Object> s = SimulationRunner.run(new SimulationRunner.Request(
                TraceReadersTest.resource("openb-pods-head200.csv"), "openb", null,
                TraceReadersTest.resource("openb-nodes-sample.csv"), List.of("bestfit"), out, fill), null, null)
                .document();
        assertThat(s.get("makespanLowerBoundSeconds")).isEqualTo(0.0);
        assertThat(Files.readString(out.resolve("report.html"))).contains("GPU utilisation over time",
                "No job finished");
        assertThat(Files.readAllLines(out.resolve("jobs.csv"))).anySatisfy(r -> assertThat(r)
                .contains(",running,").contains("openb/"));
        double ratio = (double) s.get("gpuAllocationRatio");
        assertThat(ratio).isGreaterThan(0.5).isLessThanOrEqualTo(1.0);
        assertThat((double) s.get("requestedGpuRatio")).isGreaterThanOrEqualTo(1.0);
        assertThat((long) s.get("placed") + (long) s.get("unscheduled")).isEqualTo((long) s.get("jobs"));
        Map<String, Object> again = SimulationRunner.run(new SimulationRunner.Request(
                TraceReadersTest.resource("openb-pods-head200.csv"), "openb", null,
                TraceReadersTest.resource("openb-nodes-sample.csv"), List.of("bestfit"), null, fill), null, null)
                .document();
        assertThat(again.get("gpuAllocationRatio")).isEqualTo(s.get("gpuAllocationRatio"));
    }

    @Test
    void tenantCentersPinVirtualClustersAndWindowsCutTheTrace() throws IOException {
        // philly-head200: 11cb48 and 6214e9 get a center each; every other virtual cluster is rejected
        Path fed = federation("""
                centers:
                  - name: "11cb48"
                    pools: [{name: gpu, accelerator: nvidia-p100, nodes: 1, acceleratorsPerNode: 8}]
                  - name: "6214e9"
                    pools: [{name: gpu, accelerator: nvidia-p100, nodes: 2, acceleratorsPerNode: 8}]
                """);
        Path trace = TraceReadersTest.resource("philly-head200.csv");
        List<TraceJob> all = TraceReadersTest.readAll(io.computegrid.sim.trace.TraceFormat.PHILLY, trace);
        long pinned = all.stream().filter(j -> j.tenant().equals("11cb48") || j.tenant().equals("6214e9")).count();
        Path out = dir.resolve("vc");
        Map<String, Object> s = run(trace, "philly", fed, List.of("fifo"), out,
                SimOptions.defaults().withTenantCenters(true)).document();
        assertThat((long) s.get("rejected")).isEqualTo(200 - pinned);
        for (String row : Files.readAllLines(out.resolve("jobs.csv")).subList(1, 201)) {
            String[] f = row.split(",");
            if (!row.contains(",rejected,")) {
                assertThat(f[10]).as(row).isEqualTo(f[1]); // center == tenant
            }
        }
        long from = java.time.LocalDateTime.of(2017, 10, 9, 0, 0).toEpochSecond(java.time.ZoneOffset.UTC) * 1000;
        long inWindow = all.stream().filter(j -> j.submitMillis() >= from).count();
        Map<String, Object> w = SimulationRunner.run(new SimulationRunner.Request(trace, "philly", fed, null,
                List.of("fifo"), null, SimOptions.defaults().withTenantCenters(true), "2017-10-09,"), null, null)
                .document();
        assertThat(w.get("jobs")).isEqualTo(inWindow);
        assertThat(w.get("outsideWindow")).isEqualTo(200 - inWindow);
    }

    @Test
    void loadReplaysArrivalsFasterAndBadFactorsAreRefused() throws IOException {
        Path fed = federation("""
                centers:
                  - name: c
                    pools: [{name: gpu, accelerator: nvidia-p100, nodes: 2, acceleratorsPerNode: 8}]
                """);
        Path trace = TraceReadersTest.resource("philly-head200.csv");
        Path out1 = dir.resolve("load1");
        Path out4 = dir.resolve("load4");
        Map<String, Object> asRecorded = run(trace, "philly", fed, List.of("fifo"), out1, SimOptions.defaults())
                .document();
        Map<String, Object> four = SimulationRunner.run(new SimulationRunner.Request(trace, "philly", fed, null,
                List.of("fifo"), out4, SimOptions.defaults(), null, 4), null, null).document();
        assertThat(asRecorded).doesNotContainKey("load");
        assertThat(four.get("load")).isEqualTo(4.0);
        assertThat(four.get("jobs")).isEqualTo(asRecorded.get("jobs"));
        // the same jobs arrive in a quarter of the time: submit times divide by four, queues grow
        List<String> a = Files.readAllLines(out1.resolve("jobs.csv"));
        List<String> b = Files.readAllLines(out4.resolve("jobs.csv"));
        double lastA = 0;
        double lastB = 0;
        for (int i = 1; i < a.size(); i++) {
            lastA = Math.max(lastA, Double.parseDouble(a.get(i).split(",")[3]));
            lastB = Math.max(lastB, Double.parseDouble(b.get(i).split(",")[3]));
        }
        assertThat(lastB).isCloseTo(lastA / 4, org.assertj.core.data.Offset.offset(1.0));
        assertThat((double) four.get("avgQueueSeconds")).isGreaterThan((double) asRecorded.get("avgQueueSeconds"));
        for (double bad : new double[]{0, -1, 5000, Double.NaN}) {
            assertThatThrownBy(() -> SimulationRunner.run(new SimulationRunner.Request(trace, "philly", fed, null,
                    List.of("fifo"), null, SimOptions.defaults(), null, bad), null, null))
                    .isInstanceOf(io.computegrid.sim.trace.TraceException.class).hasMessageContaining("--load");
        }
    }

    @Test
    void inputDataAwayFromTheJobsCenterIsMovedFirst() throws IOException {
        Path fed = federation("""
                centers:
                  - name: a
                    pools: [{name: gpu, accelerator: nvidia-a100, nodes: 1, acceleratorsPerNode: 8}]
                  - name: b
                    pools: [{name: gpu, accelerator: nvidia-a100, nodes: 1, acceleratorsPerNode: 8}]
                network:
                  bandwidth: [{from: a, to: b, gbps: 8}]
                """);
        Path trace = dir.resolve("d.csv");
        Files.writeString(trace, "job_id,submit_time,duration,num_gpus,center,data_center,data_gb\n"
                + "local,0,50,1,a,a,100\n"
                + "remote,0,50,1,b,a,100\n");
        Path out = dir.resolve("out");
        Map<String, Object> s = run(trace, "csv", fed, List.of("fifo"), out, SimOptions.defaults()).document();
        // 100 GB at 8 Gbit/s = 100 s before the 50 s of work
        assertThat(Files.readAllLines(out.resolve("jobs.csv"))).anySatisfy(r -> assertThat(r)
                .startsWith("remote,default,1,0,0,150,completed")).anySatisfy(r -> assertThat(r)
                .startsWith("local,default,1,0,0,50,completed"));
        assertThat((double) s.get("transferHours")).isEqualTo(SimResult.round(100 / 3600.0));
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "submit_time,duration,num_gpus,data_gb\n0,1,1,5\n");
        assertThatThrownBy(() -> run(bad, "csv", fed, List.of("fifo"), null, SimOptions.defaults()))
                .hasMessage("bad.csv:2: column 4 (data_gb): needs data_center, the center that holds the data");
    }

    @Test
    void badRequestsAreOneLineErrors() throws IOException {
        Path trace = TraceReadersTest.resource("philly-head200.csv");
        Path fed = federation(SMALL_PHILLY);
        assertThatThrownBy(() -> run(trace, "philly", fed, List.of("nope"), null, SimOptions.defaults()))
                .hasMessageStartingWith("unknown policy 'nope'");
        assertThatThrownBy(() -> run(trace, "swf", fed, List.of("fifo"), null, SimOptions.defaults()))
                .isInstanceOf(TraceException.class).hasMessageStartingWith("unknown trace format 'swf'");
        assertThatThrownBy(() -> run(trace, "philly", dir.resolve("missing.yaml"), List.of("fifo"), null,
                SimOptions.defaults())).hasMessageEndingWith("missing.yaml: no such file");
        assertThatThrownBy(() -> run(trace, "csv", fed, List.of("fifo"), null, SimOptions.defaults()))
                .hasMessageStartingWith("philly-head200.csv:1: missing column 'submit_time'");
        Path badFed = dir.resolve("bad.yaml");
        Files.writeString(badFed, "centers:\n  - name: x\n    pools:\n      - {name: p, accelerator: warp-9, nodes: 1}\n");
        assertThatThrownBy(() -> run(trace, "philly", badFed, List.of("fifo"), null, SimOptions.defaults()))
                .hasMessageContaining("unknown accelerator model 'warp-9'").hasMessageNotContaining("\n");
    }
}
