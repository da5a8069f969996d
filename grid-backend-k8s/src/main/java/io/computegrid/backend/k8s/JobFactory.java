package io.computegrid.backend.k8s;

import io.computegrid.backend.GridEnv;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Turns a gang into an indexed Job (completions = parallelism = tasks, completionMode Indexed, no retries: a
 * failed task ends the attempt and computegrid decides) and a headless Service that gives task 0 a stable
 * name for the rendezvous ({@code GRID_MASTER_ADDR}).
 */
final class JobFactory {
    static final String JOB = "computegrid.io/job";
    static final String ATTEMPT = "computegrid.io/attempt";
    static final String CENTER = "computegrid.io/center";
    static final String TASKS = "computegrid.io/tasks";
    static final String INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";
    static final int MASTER_PORT = 29500;

    private JobFactory() {
    }

    static String name(long jobId, int attempt) {
        return "grid-" + jobId + "-" + attempt;
    }

    /** A label value: at most 63 of [A-Za-z0-9_.-], starting and ending alphanumeric. */
    static String labelValue(String s) {
        String v = s.replaceAll("[^A-Za-z0-9_.-]", "-");
        v = v.length() > 63 ? v.substring(0, 63) : v;
        v = v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
        return v.isEmpty() ? "x" : v;
    }

    static Job job(LaunchRequest r, String center, KubernetesSettings s) {
        String name = name(r.jobId(), r.attempt());
        int tasks = r.tasks().size();
        int cards = r.tasks().stream().mapToInt(t -> t.cards().length).max().orElse(0);
        Map<String, String> labels = new LinkedHashMap<>(s.labels());
        labels.put(JOB, Long.toString(r.jobId()));
        labels.put(ATTEMPT, Integer.toString(r.attempt()));
        labels.put(CENTER, labelValue(center));
        labels.put("computegrid.io/tenant", labelValue(r.tenant()));
        Map<String, String> annotations = new LinkedHashMap<>(s.annotations());
        annotations.put(TASKS, Integer.toString(tasks));
        Map<String, Quantity> limits = new LinkedHashMap<>();
        Map<String, Quantity> requests = new LinkedHashMap<>();
        requests.put("cpu", new Quantity(Math.max(1, r.cpuMilli()) + "m"));
        if (r.memoryMiB() > 0) {
            requests.put("memory", new Quantity(r.memoryMiB() + "Mi"));
            limits.put("memory", new Quantity(r.memoryMiB() + "Mi"));
        }
        if (cards > 0) {
            // extended resources are whole and must be requested as limits (= requests)
            String res = s.resourceFor(r.accelerator());
            limits.put(res, new Quantity(Integer.toString(cards)));
            requests.put(res, new Quantity(Integer.toString(cards)));
        }
        JobBuilder b = new JobBuilder()
                .withNewMetadata().withName(name).withNamespace(s.namespace()).withLabels(labels).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withCompletions(tasks).withParallelism(tasks).withCompletionMode("Indexed").withBackoffLimit(0)
                .withActiveDeadlineSeconds(r.maxRuntime() == null ? null : Math.max(1, r.maxRuntime().toSeconds()))
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never").withSubdomain(name).withSchedulerName(s.schedulerName())
                .addNewContainer()
                .withName("task").withImage(s.image()).withCommand(r.command())
                .withEnv(env(r, name, s.namespace(), cards))
                .withNewResources().withLimits(limits).withRequests(requests).endResources()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec();
        return b.build();
    }

    static Service service(LaunchRequest r, String center, KubernetesSettings s) {
        String name = name(r.jobId(), r.attempt());
        return new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(s.namespace())
                .addToLabels(JOB, Long.toString(r.jobId())).addToLabels(ATTEMPT, Integer.toString(r.attempt()))
                .addToLabels(CENTER, labelValue(center)).endMetadata()
                .withNewSpec().withClusterIP("None").withPublishNotReadyAddresses(true)
                .addToSelector(JOB, Long.toString(r.jobId())).addToSelector(ATTEMPT, Integer.toString(r.attempt()))
                .addNewPort().withName("rendezvous").withPort(MASTER_PORT).endPort()
                .endSpec().build();
    }

    /** GridEnv for the gang; per task values come from the pod (completion index, node name). */
    static List<EnvVar> env(LaunchRequest r, String name, String namespace, int cards) {
        TaskLaunch first = r.tasks().get(0);
        String inPod = IntStream.range(0, cards).mapToObj(Integer::toString).collect(Collectors.joining(","));
        Map<String, String> base = GridEnv.forTask(r, first, name + "-0." + name + "." + namespace + ".svc", MASTER_PORT);
        base.remove("GRID_TASK_INDEX");
        base.remove("GRID_NODE");
        base.remove("GRID_ACCELERATOR_FRACTION"); // extended resources are whole cards
        // inside the container the device plugin's cards are numbered from 0
        base.put("GRID_ACCELERATORS", inPod);
        if (r.visibleDevicesEnv() != null && !r.visibleDevicesEnv().isEmpty()) {
            base.put(r.visibleDevicesEnv(), inPod);
        }
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVarBuilder().withName("GRID_TASK_INDEX").withNewValueFrom().withNewFieldRef()
                .withFieldPath("metadata.annotations['" + INDEX_ANNOTATION + "']").endFieldRef().endValueFrom().build());
        env.add(new EnvVarBuilder().withName("GRID_NODE").withNewValueFrom().withNewFieldRef()
                .withFieldPath("spec.nodeName").endFieldRef().endValueFrom().build());
        base.forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        return env;
    }
}
