package io.computegrid.backend.k8s;

import io.computegrid.backend.ActiveJob;
import io.computegrid.backend.Backend;
import io.computegrid.backend.BackendException;
import io.computegrid.backend.BackendListener;
import io.computegrid.backend.DiscoveredNode;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.model.BackendSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kubernetes cluster as a computegrid center, through the fabric8 client. A gang is an indexed Job (see
 * {@link JobFactory}); its state comes from its pods (phase and container exit codes) and the Job's
 * conditions, read by one poller; capacity comes from the nodes' allocatable extended resources. The handle of
 * a job is the Kubernetes Job name, {@code grid-JOBID-ATTEMPT}, unique per attempt, which makes a second
 * create of the same attempt a 409 that is adopted instead of starting anything twice.
 */
public final class KubernetesBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesBackend.class);
    private final String center;
    private final KubernetesSettings settings;
    private final BackendListener listener;
    private final KubernetesClient client;
    private final boolean ownsClient;
    private final ScheduledExecutorService poller;
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private volatile String lastError;

    public KubernetesBackend(String centerName, BackendSpec spec, BackendListener listener) {
        this(centerName, KubernetesSettings.from(centerName, spec), listener, null);
    }

    /** For tests and embedding: an existing client (its namespace setting is ignored; the spec's is used). */
    public KubernetesBackend(String centerName, BackendSpec spec, BackendListener listener, KubernetesClient client) {
        this(centerName, KubernetesSettings.from(centerName, spec), listener, client);
    }

    private KubernetesBackend(String centerName, KubernetesSettings settings, BackendListener listener, KubernetesClient client) {
        this.center = centerName;
        this.settings = settings;
        this.listener = listener;
        this.ownsClient = client == null;
        this.client = client != null ? client : newClient(centerName, settings);
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "k8s-poller-" + centerName);
            t.setDaemon(true);
            return t;
        });
        long every = settings.pollInterval().toMillis();
        poller.scheduleWithFixedDelay(this::pollOnce, every, every, TimeUnit.MILLISECONDS);
    }

    private static KubernetesClient newClient(String center, KubernetesSettings s) {
        Config config;
        if (s.kubeconfig() != null) {
            File f = new File(s.kubeconfig());
            if (!f.canRead()) {
                throw new IllegalArgumentException("center " + center + ": backend kubernetes: kubeconfig " + f + " cannot be read");
            }
            config = s.context() == null ? Config.fromKubeconfig(f) : Config.fromKubeconfig(s.context(), f);
        } else {
            config = Config.autoConfigure(s.context());
        }
        // fail fast and let the server's center monitor retry, instead of the client's 10 retries with backoff
        config.setRequestRetryBackoffLimit(2);
        config.setConnectionTimeout(10_000);
        config.setRequestTimeout(30_000);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @Override
    public String type() {
        return "kubernetes";
    }

    /** The last polling error, or null when the last poll worked. */
    public String lastError() {
        return lastError;
    }

    @Override
    public String launch(LaunchRequest r) throws BackendException {
        if (r.tasks().isEmpty() || r.command().isEmpty()) {
            throw new BackendException(prefix() + "job " + r.jobId() + " has no tasks or no command", false);
        }
        Job job = JobFactory.job(r, center, settings);
        String name = job.getMetadata().getName();
        try {
            call(() -> client.batch().v1().jobs().inNamespace(settings.namespace()).resource(job).create(), "create Job " + name);
        } catch (Conflict c) {
            Job existing = call(() -> client.batch().v1().jobs().inNamespace(settings.namespace()).withName(name).get(), "read Job " + name);
            if (existing == null || !ours(existing, r.jobId(), r.attempt())) {
                throw new BackendException(prefix() + "a Job named " + name + " already exists in namespace " + settings.namespace()
                        + " and was not started by this center for job " + r.jobId() + " attempt " + r.attempt(), false);
            }
            LOG.info("center {}: Job {} already exists (409); adopted, not created twice", center, name);
        }
        try {
            call(() -> client.services().inNamespace(settings.namespace()).resource(JobFactory.service(r, center, settings)).create(),
                    "create Service " + name);
        } catch (Conflict ignored) {
            // the rendezvous Service of this attempt exists already
        } catch (BackendException e) {
            LOG.warn("{}rendezvous Service {} not created ({}); GRID_MASTER_ADDR will not resolve", prefix(), name, e.getMessage());
        }
        tracked.putIfAbsent(name, new Tracked(r.jobId(), r.attempt(), r.tasks().size(), r.logDir()));
        return name;
    }

    private boolean ours(Job job, long jobId, int attempt) {
        Map<String, String> l = job.getMetadata().getLabels();
        return l != null && Long.toString(jobId).equals(l.get(JobFactory.JOB)) && Integer.toString(attempt).equals(l.get(JobFactory.ATTEMPT))
                && JobFactory.labelValue(center).equals(l.get(JobFactory.CENTER));
    }

    @Override
    public void cancel(long jobId, int attempt, String handle, String reason) throws BackendException {
        String name = handle != null && !handle.isBlank() ? handle : JobFactory.name(jobId, attempt);
        call(() -> client.batch().v1().jobs().inNamespace(settings.namespace()).withName(name)
                .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete(), "delete Job " + name);
        call(() -> client.services().inNamespace(settings.namespace()).withName(name).delete(), "delete Service " + name);
        Tracked t = tracked.remove(name);
        if (t != null) {
            String why = "killed: " + (reason == null || reason.isBlank() ? "cancelled" : reason);
            for (int i = 0; i < t.tasks; i++) {
                exited(t, i, 143, why);
            }
        }
        LOG.info("center {}: deleted Job {} (job {} attempt {}): {}", center, name, jobId, attempt, reason);
    }

    @Override
    public Map<Long, JobStatus> reconcile(List<ActiveJob> jobs) throws BackendException {
        Map<Long, JobStatus> out = new HashMap<>();
        for (ActiveJob a : jobs) {
            String name = a.handle() != null && !a.handle().isBlank() ? a.handle() : JobFactory.name(a.jobId(), a.attempt());
            Job job = call(() -> client.batch().v1().jobs().inNamespace(settings.namespace()).withName(name).get(), "read Job " + name);
            if (job == null || !ours(job, a.jobId(), a.attempt())) {
                out.put(a.jobId(), JobStatus.UNKNOWN);
                continue;
            }
            String done = finishedCondition(job);
            List<Pod> pods = pods(name);
            if ("Complete".equals(done)) {
                out.put(a.jobId(), JobStatus.SUCCEEDED);
            } else if (done != null) {
                out.put(a.jobId(), JobStatus.FAILED);
            } else {
                boolean running = pods.stream().anyMatch(p -> "Running".equals(phase(p)));
                out.put(a.jobId(), running ? JobStatus.RUNNING : JobStatus.PENDING);
            }
            // followed again, ended ones too: the poller reports what is left (exits with the pods' codes)
            int tasks = tasksOf(job);
            tracked.computeIfAbsent(name, k -> {
                Tracked t = new Tracked(a.jobId(), a.attempt(), tasks, null);
                for (Pod p : pods) {
                    int i = index(p);
                    if (i >= 0 && i < tasks && !"Pending".equals(phase(p))) {
                        t.started[i] = true; // started before the restart: no second taskStarted
                    }
                }
                return t;
            });
        }
        return out;
    }

    private static int tasksOf(Job job) {
        Integer c = job.getSpec() == null ? null : job.getSpec().getCompletions();
        return c == null ? 1 : c;
    }

    @Override
    public Optional<List<DiscoveredNode>> discover() throws BackendException {
        List<Node> nodes = call(() -> client.nodes().list().getItems(), "list nodes");
        List<Pod> pods = call(() -> client.pods().inAnyNamespace().list().getItems(), "list pods");
        String us = JobFactory.labelValue(center);
        Map<String, Map<String, Long>> foreign = new HashMap<>();
        for (Pod p : pods) {
            String node = p.getSpec() == null ? null : p.getSpec().getNodeName();
            String ph = phase(p);
            Map<String, String> l = p.getMetadata().getLabels();
            if (node == null || !("Running".equals(ph) || "Pending".equals(ph)) || l != null && us.equals(l.get(JobFactory.CENTER))) {
                continue;
            }
            for (Container c : p.getSpec().getContainers()) {
                if (c.getResources() == null) {
                    continue;
                }
                Map<String, Quantity> q = c.getResources().getLimits() != null ? c.getResources().getLimits() : c.getResources().getRequests();
                if (q == null) {
                    continue;
                }
                for (String res : settings.cardResources()) {
                    if (q.containsKey(res)) {
                        foreign.computeIfAbsent(node, k -> new HashMap<>()).merge(res, amount(q.get(res)).longValue(), Long::sum);
                    }
                }
            }
        }
        List<DiscoveredNode> out = new ArrayList<>();
        for (Node n : nodes) {
            Map<String, Quantity> alloc = n.getStatus() == null || n.getStatus().getAllocatable() == null ? Map.of() : n.getStatus().getAllocatable();
            String res = null;
            int cards = 0;
            for (String r : settings.cardResources()) {
                if (alloc.containsKey(r) && amount(alloc.get(r)).intValue() > 0) {
                    res = r;
                    cards = amount(alloc.get(r)).intValue();
                    break;
                }
            }
            if (res == null) {
                continue; // no cards: not a pool of this center
            }
            String name = n.getMetadata().getName();
            Map<String, String> labels = n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
            int busy = (int) Math.min(cards, foreign.getOrDefault(name, Map.of()).getOrDefault(res, 0L));
            int cpu = alloc.containsKey("cpu") ? amount(alloc.get("cpu")).multiply(BigDecimal.valueOf(1000)).intValue() : 0;
            long mem = alloc.containsKey("memory") ? amount(alloc.get("memory")).longValue() / (1024 * 1024) : 0;
            out.add(new DiscoveredNode(name, pool(labels), model(labels, res), cards, cpu, mem, busy, ready(n)));
        }
        return Optional.of(out);
    }

    private static String pool(Map<String, String> labels) {
        for (String k : List.of("computegrid.io/pool", "cloud.google.com/gke-nodepool", "eks.amazonaws.com/nodegroup",
                "kubernetes.azure.com/agentpool", "node.kubernetes.io/instance-type")) {
            if (labels.containsKey(k)) {
                return labels.get(k);
            }
        }
        return "default";
    }

    /** The node's card model: our label, NVIDIA's product label, or the model configured for the resource. */
    private String model(Map<String, String> labels, String resource) {
        String m = labels.get("computegrid.io/accelerator");
        if (m != null) {
            return m;
        }
        String product = labels.get("nvidia.com/gpu.product");
        if (product != null) {
            java.util.regex.Matcher x = java.util.regex.Pattern.compile("(?i)\\b([AHLTVP]\\d{1,3}S?)\\b").matcher(product.replace('-', ' '));
            if (x.find()) {
                return "nvidia-" + x.group(1).toLowerCase();
            }
        }
        for (Map.Entry<String, String> e : settings.resources().entrySet()) {
            if (e.getValue().equals(resource)) {
                return e.getKey();
            }
        }
        return resource.startsWith("huawei.com/") ? "ascend-910" : settings.accelerator();
    }

    private static boolean ready(Node n) {
        if (n.getSpec() != null && Boolean.TRUE.equals(n.getSpec().getUnschedulable())) {
            return false;
        }
        if (n.getStatus() == null || n.getStatus().getConditions() == null) {
            return false;
        }
        for (NodeCondition c : n.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    private static BigDecimal amount(Quantity q) {
        try {
            return Quantity.getAmountInBytes(q);
        } catch (ArithmeticException | IllegalArgumentException e) {
            return BigDecimal.ZERO;
        }
    }

    /** A task's output from its pod (the pod of the Job's completion index), as the API server keeps it. */
    @Override
    public Optional<String> logs(long jobId, int attempt, String handle, int taskIndex) throws BackendException {
        List<Pod> pods = call(() -> client.pods().inNamespace(settings.namespace())
                .withLabel(JobFactory.JOB, Long.toString(jobId)).withLabel(JobFactory.ATTEMPT, Integer.toString(attempt))
                .list().getItems(), "list pods of job " + jobId);
        for (Pod p : pods) {
            Map<String, String> a = p.getMetadata().getAnnotations() == null ? Map.of() : p.getMetadata().getAnnotations();
            if (Integer.toString(taskIndex).equals(a.get(JobFactory.INDEX_ANNOTATION))) {
                String name = p.getMetadata().getName();
                return Optional.ofNullable(call(() -> client.pods().inNamespace(settings.namespace()).withName(name)
                        .getLog(), "read the log of pod " + name));
            }
        }
        return Optional.empty();
    }

    @Override
    public void ping() throws BackendException {
        call(() -> client.batch().v1().jobs().inNamespace(settings.namespace()).list(new ListOptionsBuilder().withLimit(1L).build()),
                "list Jobs");
    }

    @Override
    public void close() {
        poller.shutdownNow();
        if (ownsClient) {
            client.close();
        }
    }

    /** Jobs followed right now. */
    public int followed() {
        return tracked.size();
    }

    // ---- polling ----

    private void pollOnce() {
        if (tracked.isEmpty()) {
            return;
        }
        try {
            String us = JobFactory.labelValue(center);
            Map<String, Job> jobs = new HashMap<>();
            for (Job j : client.batch().v1().jobs().inNamespace(settings.namespace()).withLabel(JobFactory.CENTER, us).list().getItems()) {
                jobs.put(j.getMetadata().getName(), j);
            }
            Map<String, List<Pod>> pods = new HashMap<>();
            for (Pod p : client.pods().inNamespace(settings.namespace()).withLabel(JobFactory.CENTER, us).list().getItems()) {
                String owner = jobNameOf(p);
                if (owner != null) {
                    pods.computeIfAbsent(owner, k -> new ArrayList<>()).add(p);
                }
            }
            for (Map.Entry<String, Tracked> e : tracked.entrySet()) {
                observe(e.getKey(), e.getValue(), jobs.get(e.getKey()), pods.getOrDefault(e.getKey(), List.of()));
            }
            lastError = null;
        } catch (KubernetesClientException e) {
            if (lastError == null) {
                LOG.warn("{}poll failed: {}", prefix(), e.getMessage());
            }
            lastError = prefix() + "poll failed: " + e.getMessage();
        } catch (RuntimeException e) {
            lastError = e.toString();
            LOG.error("{}poll failed unexpectedly", prefix(), e);
        }
    }

    private void observe(String name, Tracked t, Job job, List<Pod> pods) {
        if (job == null) {
            if (++t.missing >= 3) { // deleted by someone else
                tracked.remove(name);
                for (int i = 0; i < t.tasks; i++) {
                    exited(t, i, 143, "kubernetes: Job " + name + " was deleted outside computegrid");
                }
            }
            return;
        }
        t.missing = 0;
        for (Pod p : pods) {
            int i = index(p);
            if (i < 0 || i >= t.tasks) {
                continue;
            }
            String ph = phase(p);
            if (("Running".equals(ph) || "Succeeded".equals(ph) || "Failed".equals(ph)) && !t.started[i]) {
                t.started[i] = true;
                safe(() -> listener.taskStarted(t.jobId, t.attempt, i, p.getMetadata().getName()));
            }
            if ("Succeeded".equals(ph) || "Failed".equals(ph)) {
                ContainerStateTerminated term = terminated(p);
                int code = term != null && term.getExitCode() != null ? term.getExitCode() : "Succeeded".equals(ph) ? 0 : 1;
                String why = "Succeeded".equals(ph) ? "exited" : failReason(p, term);
                saveLog(t, i, p);
                exited(t, i, code, why);
            }
        }
        String done = finishedCondition(job);
        if (done != null && !"Complete".equals(done)) {
            String why = "DeadlineExceeded".equals(done) ? "killed: maxRuntime exceeded (kubernetes DeadlineExceeded)" : "kubernetes: Job failed (" + done + ")";
            for (int i = 0; i < t.tasks; i++) {
                exited(t, i, 143, why);
            }
        }
        if (t.allExited()) {
            tracked.remove(name);
        }
    }

    private static String failReason(Pod p, ContainerStateTerminated term) {
        String podReason = p.getStatus() == null ? null : p.getStatus().getReason();
        if (podReason != null) { // Evicted, DeadlineExceeded, NodeLost, Shutdown...
            String msg = p.getStatus().getMessage();
            return "kubernetes: pod " + podReason + (msg == null ? "" : ": " + msg);
        }
        if (term != null && term.getReason() != null && !"Error".equals(term.getReason()) && !"Completed".equals(term.getReason())) {
            return "killed: " + term.getReason(); // OOMKilled, ...
        }
        return "exited";
    }

    private void exited(Tracked t, int i, int code, String why) {
        if (t.exited[i]) {
            return;
        }
        t.exited[i] = true;
        safe(() -> listener.taskExited(t.jobId, t.attempt, i, code, why));
    }

    /** Copies a finished pod's log to logDir/task-N.log (best effort: the API server may not keep it). */
    private void saveLog(Tracked t, int i, Pod p) {
        if (t.logDir == null || t.exited[i]) {
            return;
        }
        try {
            String log = client.pods().inNamespace(settings.namespace()).withName(p.getMetadata().getName()).getLog();
            if (log != null) {
                Files.createDirectories(t.logDir);
                Files.writeString(t.logDir.resolve("task-" + i + ".log"), log);
            }
        } catch (KubernetesClientException | IOException e) {
            LOG.debug("{}no log for pod {}: {}", prefix(), p.getMetadata().getName(), e.getMessage());
        }
    }

    private void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("{}listener failed", prefix(), e);
        }
    }

    private List<Pod> pods(String jobName) throws BackendException {
        return call(() -> client.pods().inNamespace(settings.namespace()).withLabel(JobFactory.CENTER, JobFactory.labelValue(center))
                .list().getItems().stream().filter(p -> jobName.equals(jobNameOf(p))).toList(), "list pods of " + jobName);
    }

    /** The Job name of one of our pods, from its labels (copied from the Job's template). */
    static String jobNameOf(Pod p) {
        Map<String, String> l = p.getMetadata().getLabels();
        try {
            return l == null ? null : JobFactory.name(Long.parseLong(l.get(JobFactory.JOB)), Integer.parseInt(l.get(JobFactory.ATTEMPT)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static int index(Pod p) {
        String v = p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get(JobFactory.INDEX_ANNOTATION);
        if (v == null && p.getMetadata().getLabels() != null) {
            v = p.getMetadata().getLabels().get(JobFactory.INDEX_ANNOTATION);
        }
        try {
            return v == null ? -1 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String phase(Pod p) {
        return p.getStatus() == null || p.getStatus().getPhase() == null ? "Pending" : p.getStatus().getPhase();
    }

    private static ContainerStateTerminated terminated(Pod p) {
        if (p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
            return null;
        }
        for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
            if (cs.getState() != null && cs.getState().getTerminated() != null) {
                return cs.getState().getTerminated();
            }
        }
        return null;
    }

    /** "Complete", the reason of a "Failed" condition, or null while the Job runs. */
    private static String finishedCondition(Job job) {
        if (job.getStatus() == null || job.getStatus().getConditions() == null) {
            return null;
        }
        for (JobCondition c : job.getStatus().getConditions()) {
            if ("True".equals(c.getStatus()) && "Complete".equals(c.getType())) {
                return "Complete";
            }
            if ("True".equals(c.getStatus()) && "Failed".equals(c.getType())) {
                return c.getReason() == null ? "Failed" : c.getReason();
            }
        }
        return null;
    }

    // ---- errors ----

    private interface Call<T> {
        T run();
    }

    /** An API call with its failures turned into BackendExceptions; 409 becomes {@link Conflict} for the caller to handle. */
    private <T> T call(Call<T> c, String what) throws BackendException {
        try {
            return c.run();
        } catch (KubernetesClientException e) {
            int code = e.getCode();
            if (code == 409) {
                throw new Conflict(prefix() + what + ": already exists (409)");
            }
            if (code == 401 || code == 403) {
                throw new BackendException(prefix() + what + ": the API server refused the credentials (HTTP " + code
                        + "): check kubeconfig, context and RBAC for namespace " + settings.namespace(), false, e);
            }
            if (code == 404) {
                throw new BackendException(prefix() + what + ": not found (404); does namespace " + settings.namespace() + " exist?", false, e);
            }
            if (code == 422 || code == 400) {
                throw new BackendException(prefix() + what + ": the API server rejected it (HTTP " + code + "): " + e.getStatus().getMessage(), false, e);
            }
            if (code <= 0) { // no HTTP answer at all (fabric8 says -1 or 0)
                Throwable root = e;
                while (root.getCause() != null) {
                    root = root.getCause();
                }
                throw new BackendException(prefix() + what + ": API server " + client.getMasterUrl() + " unreachable: "
                        + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " " + root.getMessage()), true, e);
            }
            boolean retryable = code == 429 || code >= 500;
            throw new BackendException(prefix() + what + ": HTTP " + code + ": " + e.getMessage(), retryable, e);
        }
    }

    private String prefix() {
        return "center " + center + " (kubernetes): ";
    }

    /** HTTP 409 from the API server. */
    static final class Conflict extends BackendException {
        Conflict(String message) {
            super(message, false);
        }
    }

    private static final class Tracked {
        final long jobId;
        final int attempt;
        final int tasks;
        final java.nio.file.Path logDir;
        final boolean[] started;
        final boolean[] exited;
        int missing;

        Tracked(long jobId, int attempt, int tasks, java.nio.file.Path logDir) {
            this.jobId = jobId;
            this.attempt = attempt;
            this.tasks = tasks;
            this.logDir = logDir;
            this.started = new boolean[tasks];
            this.exited = new boolean[tasks];
        }

        boolean allExited() {
            for (boolean e : exited) {
                if (!e) {
                    return false;
                }
            }
            return true;
        }
    }
}
