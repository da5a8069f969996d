package io.computegrid.backend.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.backend.ActiveJob;
import io.computegrid.backend.Backend.JobStatus;
import io.computegrid.backend.BackendException;
import io.computegrid.backend.BackendListener;
import io.computegrid.backend.DiscoveredNode;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import io.computegrid.model.BackendSpec;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against fabric8's mock API server in CRUD mode: no real API server can run on this machine. The mock has no
 * Job controller or kubelet, so the tests create the pods a Job controller would and set their status.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesBackendTest {
    static KubernetesClient client;
    static io.fabric8.kubernetes.client.server.mock.KubernetesMockServer server;
    private static final AtomicLong IDS = new AtomicLong(1000);
    private static final String NS = "grid";
    private final Events events = new Events();
    private final List<KubernetesBackend> backends = new ArrayList<>();
    @TempDir
    Path tmp;

    record Event(String kind, long jobId, int task, int code, String reason) {
    }

    static final class Events implements BackendListener {
        final List<Event> all = new CopyOnWriteArrayList<>();

        @Override
        public void taskStarted(long jobId, int attempt, int taskIndex, String handle) {
            all.add(new Event("started", jobId, taskIndex, 0, handle));
        }

        @Override
        public void taskExited(long jobId, int attempt, int taskIndex, int exitCode, String reason) {
            all.add(new Event("exited", jobId, taskIndex, exitCode, reason));
        }

        List<Event> of(String kind, long jobId) {
            return all.stream().filter(e -> e.kind().equals(kind) && e.jobId() == jobId).toList();
        }

        List<Event> await(String kind, long jobId, int n) throws InterruptedException {
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < end) {
                if (of(kind, jobId).size() >= n) {
                    return of(kind, jobId);
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no " + n + " '" + kind + "' events for job " + jobId + "; saw " + all);
        }
    }

    private KubernetesBackend backend(Map<String, String> extra) {
        Map<String, String> s = new LinkedHashMap<>(Map.of("namespace", NS, "pollInterval", "50ms"));
        s.putAll(extra);
        KubernetesBackend b = new KubernetesBackend("ai-center", new BackendSpec("kubernetes", s), events, client);
        backends.add(b);
        return b;
    }

    @AfterEach
    void close() {
        backends.forEach(KubernetesBackend::close);
    }

    private LaunchRequest gang(long id, int tasks, int cards, String model) {
        List<TaskLaunch> ts = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            ts.add(new TaskLaunch(i, "node-" + i, java.util.stream.IntStream.range(0, cards).toArray(), 1000));
        }
        return new LaunchRequest(id, 1, "train", "acme", "ai-center", "a100", model, "CUDA_VISIBLE_DEVICES", ts,
                List.of("python", "train.py", "--lr", "0.1"), Map.of("USER_VAR", "x"), Duration.ofMinutes(10), 2000, 4096,
                tmp.resolve("job-" + id), null, false);
    }

    /** The pod the Job controller would create for task {@code index}, with the given status. */
    private Pod pod(Job job, int index, String phase, Integer exitCode, String reason, String podReason) {
        PodBuilder b = new PodBuilder().withNewMetadata().withName(job.getMetadata().getName() + "-" + index + "-x")
                .withNamespace(NS).withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
                .addToAnnotations(JobFactory.INDEX_ANNOTATION, Integer.toString(index)).endMetadata()
                .withSpec(job.getSpec().getTemplate().getSpec());
        var status = b.withNewStatus().withPhase(phase).withReason(podReason);
        if (exitCode != null) {
            status.addNewContainerStatus().withName("task").withNewState().withNewTerminated().withExitCode(exitCode).withReason(reason)
                    .endTerminated().endState().endContainerStatus();
        }
        return status.endStatus().build();
    }

    private void put(Pod p) {
        client.pods().inNamespace(NS).resource(p).createOr(existing -> existing.update());
    }

    private Job job(String name) {
        return client.batch().v1().jobs().inNamespace(NS).withName(name).get();
    }

    @Test
    void aGangBecomesAnIndexedJobWithOurEnvAndCards() throws Exception {
        KubernetesBackend b = backend(Map.of("label.kueue.x-k8s.io/queue-name", "team-a", "schedulerName", "volcano",
                "resource.nvidia-h100", "nvidia.com/mig-7g.80gb"));
        long id = IDS.incrementAndGet();
        String name = b.launch(gang(id, 2, 4, "nvidia-a100"));
        assertThat(name).isEqualTo("grid-" + id + "-1");
        Job j = job(name);
        assertThat(j.getSpec().getCompletions()).isEqualTo(2);
        assertThat(j.getSpec().getParallelism()).isEqualTo(2);
        assertThat(j.getSpec().getCompletionMode()).isEqualTo("Indexed");
        assertThat(j.getSpec().getBackoffLimit()).isZero();
        assertThat(j.getSpec().getActiveDeadlineSeconds()).isEqualTo(600L);
        assertThat(j.getMetadata().getLabels()).containsEntry("kueue.x-k8s.io/queue-name", "team-a")
                .containsEntry(JobFactory.JOB, Long.toString(id)).containsEntry(JobFactory.CENTER, "ai-center");
        var spec = j.getSpec().getTemplate().getSpec();
        assertThat(spec.getSchedulerName()).isEqualTo("volcano");
        assertThat(spec.getRestartPolicy()).isEqualTo("Never");
        var c = spec.getContainers().get(0);
        assertThat(c.getCommand()).containsExactly("python", "train.py", "--lr", "0.1");
        assertThat(c.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("4"));
        assertThat(c.getResources().getRequests()).containsEntry("cpu", new Quantity("2000m")).containsEntry("memory", new Quantity("4096Mi"));
        Map<String, EnvVar> env = new LinkedHashMap<>();
        c.getEnv().forEach(e -> env.put(e.getName(), e));
        assertThat(env.get("GRID_TASK_INDEX").getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.annotations['batch.kubernetes.io/job-completion-index']");
        assertThat(env.get("GRID_TASKS").getValue()).isEqualTo("2");
        assertThat(env.get("GRID_JOB_ID").getValue()).isEqualTo(Long.toString(id));
        assertThat(env.get("GRID_ACCELERATORS").getValue()).isEqualTo("0,1,2,3");
        assertThat(env.get("CUDA_VISIBLE_DEVICES").getValue()).isEqualTo("0,1,2,3");
        assertThat(env.get("GRID_MASTER_ADDR").getValue()).isEqualTo(name + "-0." + name + ".grid.svc");
        assertThat(env.get("USER_VAR").getValue()).isEqualTo("x");
        var svc = client.services().inNamespace(NS).withName(name).get();
        assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");

        // per-model resource names: the configured one, and Ascend's default
        String h100 = b.launch(gang(IDS.incrementAndGet(), 1, 1, "nvidia-h100"));
        assertThat(job(h100).getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits())
                .containsKey("nvidia.com/mig-7g.80gb");
        String ascend = b.launch(gang(IDS.incrementAndGet(), 1, 2, "ascend-910b"));
        assertThat(job(ascend).getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits())
                .containsEntry("huawei.com/Ascend910", new Quantity("2"));
    }

    @Test
    void aTasksLogComesFromThePodOfItsCompletionIndex() throws Exception {
        KubernetesBackend b = backend(Map.of());
        long id = IDS.incrementAndGet();
        String name = b.launch(gang(id, 2, 1, "nvidia-a100"));
        Job j = job(name);
        put(pod(j, 0, "Running", null, null, null));
        put(pod(j, 1, "Running", null, null, null));
        // the CRUD mock keeps no container output: the log subresource is an expectation on the same server
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/" + name + "-1-x/log?pretty=false")
                .andReturn(200, "rank 1 says hello\n").always();
        assertThat(b.logs(id, 1, name, 1)).contains("rank 1 says hello\n");
        assertThat(b.logs(id, 1, name, 5)).isEmpty();
        assertThat(b.logs(id + 1000, 1, name, 0)).isEmpty();
    }

    @Test
    void taskStatesComeFromPodPhases() throws Exception {
        KubernetesBackend b = backend(Map.of());
        long id = IDS.incrementAndGet();
        String name = b.launch(gang(id, 3, 1, "nvidia-a100"));
        Job j = job(name);
        put(pod(j, 0, "Pending", null, null, null));
        put(pod(j, 1, "Pending", null, null, null));
        Thread.sleep(300);
        assertThat(events.all).isEmpty();

        put(pod(j, 0, "Running", null, null, null));
        put(pod(j, 1, "Running", null, null, null));
        put(pod(j, 2, "Running", null, null, null));
        assertThat(events.await("started", id, 3)).extracting(Event::task).containsExactlyInAnyOrder(0, 1, 2);

        put(pod(j, 0, "Succeeded", 0, "Completed", null));
        put(pod(j, 1, "Failed", 3, "Error", null));
        put(pod(j, 2, "Failed", 137, "OOMKilled", null));
        List<Event> exits = events.await("exited", id, 3);
        assertThat(exits).extracting(e -> e.task() + ":" + e.code() + ":" + e.reason())
                .containsExactlyInAnyOrder("0:0:exited", "1:3:exited", "2:137:killed: OOMKilled");
        assertThat(events.of("started", id)).hasSize(3); // no repeats on later polls
        Thread.sleep(200);
        assertThat(b.followed()).isZero();

        // an evicted pod, and a Job that hit its deadline before the other task even started
        long id2 = IDS.incrementAndGet();
        String n2 = b.launch(gang(id2, 2, 1, "nvidia-a100"));
        Job j2 = job(n2);
        put(pod(j2, 0, "Failed", null, null, "Evicted"));
        Event evicted = events.await("exited", id2, 1).get(0);
        assertThat(evicted.reason()).startsWith("kubernetes: pod Evicted");
        assertThat(evicted.code()).isEqualTo(1);
        j2.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withConditions(new JobConditionBuilder()
                .withType("Failed").withStatus("True").withReason("DeadlineExceeded").build()).build());
        client.batch().v1().jobs().inNamespace(NS).resource(j2).updateStatus();
        List<Event> both = events.await("exited", id2, 2);
        assertThat(both).filteredOn(e -> e.task() == 1).singleElement().matches(e -> e.reason().contains("maxRuntime"));
    }

    @Test
    void capacityComesFromNodesAllocatableAndOthersPodsAreBusy() throws Exception {
        client.nodes().resource(node("gpu-1", 8, "nvidia.com/gpu", Map.of("nvidia.com/gpu.product", "NVIDIA-A100-SXM4-80GB",
                "cloud.google.com/gke-nodepool", "a100-pool"), true, false)).create();
        client.nodes().resource(node("gpu-2", 8, "nvidia.com/gpu", Map.of("computegrid.io/accelerator", "nvidia-h100"), true, true)).create();
        client.nodes().resource(node("npu-1", 8, "huawei.com/Ascend910", Map.of(), false, false)).create();
        client.nodes().resource(node("cpu-1", 0, null, Map.of(), true, false)).create();
        // someone else's pod holds 3 cards on gpu-1; ours (labelled with our center) holds 2 and does not count
        client.pods().inNamespace("other").resource(new PodBuilder().withNewMetadata().withName("theirs").withNamespace("other").endMetadata()
                .withNewSpec().withNodeName("gpu-1").addNewContainer().withName("c").withImage("x").withNewResources()
                .addToLimits("nvidia.com/gpu", new Quantity("3")).endResources().endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus().build()).create();
        KubernetesBackend b = backend(Map.of());
        long id = IDS.incrementAndGet();
        Job j = job(b.launch(gang(id, 1, 2, "nvidia-a100")));
        Pod ours = pod(j, 0, "Running", null, null, null);
        ours.getSpec().setNodeName("gpu-1");
        put(ours);

        Map<String, DiscoveredNode> nodes = new LinkedHashMap<>();
        b.discover().orElseThrow().forEach(n -> nodes.put(n.name(), n));
        assertThat(nodes).containsOnlyKeys("gpu-1", "gpu-2", "npu-1");
        assertThat(nodes.get("gpu-1")).isEqualTo(new DiscoveredNode("gpu-1", "a100-pool", "nvidia-a100", 8, 16_000, 65_536, 3, true));
        assertThat(nodes.get("gpu-2").accelerator()).isEqualTo("nvidia-h100");
        assertThat(nodes.get("gpu-2").up()).isFalse(); // cordoned
        assertThat(nodes.get("npu-1").accelerator()).isEqualTo("ascend-910");
        assertThat(nodes.get("npu-1").up()).isFalse(); // not Ready
    }

    private static Node node(String name, int cards, String resource, Map<String, String> labels, boolean ready, boolean cordoned) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withUnschedulable(cordoned).endSpec();
        var st = b.withNewStatus().addToAllocatable("cpu", new Quantity("16")).addToAllocatable("memory", new Quantity("64Gi"))
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition();
        if (resource != null) {
            st.addToAllocatable(resource, new Quantity(Integer.toString(cards)));
        }
        return st.endStatus().build();
    }

    @Test
    void cancelDeletesTheJobAndReportsTheTasks() throws Exception {
        KubernetesBackend b = backend(Map.of());
        long id = IDS.incrementAndGet();
        String name = b.launch(gang(id, 2, 1, "nvidia-a100"));
        Job j = job(name);
        put(pod(j, 0, "Running", null, null, null));
        put(pod(j, 1, "Running", null, null, null));
        events.await("started", id, 2);
        b.cancel(id, 1, name, "preempted");
        assertThat(job(name)).isNull();
        assertThat(client.services().inNamespace(NS).withName(name).get()).isNull();
        assertThat(events.await("exited", id, 2)).allMatch(e -> e.reason().equals("killed: preempted") && e.code() == 143);
        b.cancel(id, 1, name, "again"); // idempotent
        assertThat(events.of("exited", id)).hasSize(2);
    }

    @Test
    void reconcileAdoptsByJobNameAndTellsWhatItNoLongerKnows() throws Exception {
        KubernetesBackend before = backend(Map.of());
        long id = IDS.incrementAndGet();
        String name = before.launch(gang(id, 1, 1, "nvidia-a100"));
        Job j = job(name);
        put(pod(j, 0, "Running", null, null, null));
        events.await("started", id, 1);
        before.close();
        long done = IDS.incrementAndGet();
        String doneName = before.launch(gang(done, 1, 1, "nvidia-a100"));
        Job dj = job(doneName);
        dj.setStatus(new io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder().withConditions(new JobConditionBuilder()
                .withType("Complete").withStatus("True").build()).build());
        client.batch().v1().jobs().inNamespace(NS).resource(dj).updateStatus();

        Events after = new Events();
        KubernetesBackend b = new KubernetesBackend("ai-center", new BackendSpec("kubernetes", Map.of("namespace", NS, "pollInterval", "50ms")),
                after, client);
        backends.add(b);
        Map<Long, JobStatus> seen = b.reconcile(List.of(new ActiveJob(id, 1, name), new ActiveJob(done, 1, doneName),
                new ActiveJob(77, 1, "grid-77-1"), new ActiveJob(78, 1, name)));
        assertThat(seen).containsEntry(id, JobStatus.RUNNING).containsEntry(done, JobStatus.SUCCEEDED)
                .containsEntry(77L, JobStatus.UNKNOWN).containsEntry(78L, JobStatus.UNKNOWN);
        put(pod(j, 0, "Succeeded", 0, "Completed", null));
        assertThat(after.await("exited", id, 1).get(0).code()).isZero();
        assertThat(after.of("started", id)).isEmpty(); // it had started before the restart
        // the Job that completed while computegrid was down: its pod's exit is reported after reconcile
        put(pod(dj, 0, "Succeeded", 0, "Completed", null));
        assertThat(after.await("exited", done, 1).get(0).reason()).isEqualTo("exited");
    }

    @Test
    void aConflictAdoptsTheSameAttemptAndRefusesSomeoneElsesJob() throws Exception {
        KubernetesBackend b = backend(Map.of());
        long id = IDS.incrementAndGet();
        LaunchRequest r = gang(id, 2, 1, "nvidia-a100");
        String first = b.launch(r);
        KubernetesBackend restarted = backend(Map.of());
        assertThat(restarted.launch(r)).isEqualTo(first); // 409 → adopted
        assertThat(client.batch().v1().jobs().inNamespace(NS).withLabel(JobFactory.JOB, Long.toString(id)).list().getItems()).hasSize(1);

        long other = IDS.incrementAndGet();
        client.batch().v1().jobs().inNamespace(NS).resource(new JobBuilder().withNewMetadata().withName("grid-" + other + "-1")
                .withNamespace(NS).addToLabels("app", "not-ours").endMetadata().withNewSpec().withNewTemplate().withNewSpec()
                .addNewContainer().withName("c").withImage("x").endContainer().endSpec().endTemplate().endSpec().build()).create();
        assertThatThrownBy(() -> b.launch(gang(other, 1, 1, "nvidia-a100"))).isInstanceOf(BackendException.class)
                .hasMessageContaining("already exists").hasMessageContaining("not started by this center");
    }

    @Test
    void anUnreachableApiServerIsARetryableFault() {
        try (KubernetesClient nowhere = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:9").withRequestRetryBackoffLimit(0)
                        .withConnectionTimeout(2000).build()).build()) {
            KubernetesBackend b = new KubernetesBackend("ai-center", new BackendSpec("kubernetes", Map.of("namespace", NS)), events, nowhere);
            backends.add(b);
            assertThatThrownBy(b::ping).isInstanceOf(BackendException.class).hasMessageContaining("unreachable")
                    .matches(e -> ((BackendException) e).retryable(), "retryable");
            assertThatThrownBy(() -> b.launch(gang(IDS.incrementAndGet(), 1, 1, "nvidia-a100"))).isInstanceOf(BackendException.class)
                    .matches(e -> ((BackendException) e).retryable(), "retryable");
        }
    }

    @Test
    void settingsAndPing() throws Exception {
        backend(Map.of()).ping();
        assertThatThrownBy(() -> backend(Map.of("namespace", "Bad_NS"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace 'Bad_NS'");
        assertThatThrownBy(() -> backend(Map.of("nodeSelector", "x"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown setting 'nodeSelector'");
        assertThatThrownBy(() -> new KubernetesBackend("c", new BackendSpec("kubernetes", Map.of("kubeconfig", "/nonexistent/kubeconfig")), events))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kubeconfig /nonexistent/kubeconfig cannot be read");
        KubernetesSettings s = KubernetesSettings.from("c", new BackendSpec("kubernetes", Map.of("resource.nvidia-a100", "nvidia.com/a100")));
        assertThat(s.resourceFor("nvidia-a100")).isEqualTo("nvidia.com/a100");
        assertThat(s.resourceFor("nvidia-v100")).isEqualTo("nvidia.com/gpu");
        assertThat(s.resourceFor("ascend-310")).isEqualTo("huawei.com/Ascend910");
        assertThat(JobFactory.labelValue("-Center One!-")).isEqualTo("Center-One");
    }
}
