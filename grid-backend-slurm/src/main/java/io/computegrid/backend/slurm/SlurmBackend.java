package io.computegrid.backend.slurm;

import io.computegrid.backend.ActiveJob;
import io.computegrid.backend.Backend;
import io.computegrid.backend.BackendException;
import io.computegrid.backend.BackendListener;
import io.computegrid.backend.DiscoveredNode;
import io.computegrid.backend.GridEnv;
import io.computegrid.backend.LaunchRequest;
import io.computegrid.backend.TaskLaunch;
import io.computegrid.model.BackendSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Slurm cluster as a computegrid center, through slurmrestd (API v0.0.38 by default) with HS256 tokens minted
 * from the cluster's key file. A gang is one Slurm batch job over as many nodes as the placement used; its
 * script starts every task with one {@code srun} (see {@link BatchScript}). One poller thread follows every
 * job we started and reports through the listener. The handle of a job is its Slurm job id.
 *
 * <p>Task output goes to {@code logDir/task-N.log}, written by the tasks on the Slurm nodes: the control plane
 * and the nodes must share that file system (true on one machine and usual on HPC systems with a shared home).
 */
public final class SlurmBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(SlurmBackend.class);
    static final Pattern COMMENT = Pattern.compile("computegrid center=(\\S+) job=(\\d+) attempt=(\\d+) tasks=(\\d+)");
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final String center;
    private final SlurmSettings settings;
    private final BackendListener listener;
    private final SlurmRestClient rest;
    private final SlurmDiscovery discovery;
    private final ScheduledExecutorService poller;
    /** Slurm job id → what we follow. */
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    /** "jobId:attempt" → Slurm job id, so a second launch of the same attempt adopts instead of starting twice. */
    private final Map<String, String> launched = new ConcurrentHashMap<>();
    private volatile boolean scanned;
    private volatile int failures;
    private volatile String lastError;
    private volatile boolean closed;
    /** Jobs in the cluster at the last full list, and polls since then (only the poller thread writes them). */
    private volatile int clusterJobs;
    private int pollsSinceList;
    /** Polls done job by job (for tests). */
    volatile int perJobPolls;
    /** Slurm jobs whose end this instance reported (the last 10,000), so a later reconcile does not report it again. */
    private final java.util.Set<String> reported = java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(
            new java.util.LinkedHashMap<String, Boolean>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > 10_000;
                }
            }));
    private static final int PER_JOB_MAX = 50;

    public SlurmBackend(String centerName, BackendSpec spec, BackendListener listener) {
        this(centerName, spec, listener, Clock.systemUTC());
    }

    SlurmBackend(String centerName, BackendSpec spec, BackendListener listener, Clock clock) {
        this.center = centerName;
        this.settings = SlurmSettings.from(centerName, spec);
        this.listener = listener;
        this.rest = new SlurmRestClient(centerName, settings, clock);
        this.discovery = new SlurmDiscovery(centerName, settings, rest);
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slurm-poller-" + centerName);
            t.setDaemon(true);
            return t;
        });
        poller.schedule(this::pollOnce, settings.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String type() {
        return "slurm";
    }

    public SlurmSettings settings() {
        return settings;
    }

    /** The last polling error, or null when the last poll worked: for the center's health in the server. */
    public String lastError() {
        return lastError;
    }

    @Override
    public String launch(LaunchRequest r) throws BackendException {
        if (r.tasks().isEmpty() || r.command().isEmpty()) {
            throw new BackendException("center " + center + " (slurm): job " + r.jobId() + " has no tasks or no command", false);
        }
        String key = r.jobId() + ":" + r.attempt();
        String known = launched.get(key);
        if (known != null) {
            return known;
        }
        if (!scanned) {
            scanOurJobs();
            known = launched.get(key);
            if (known != null) {
                LOG.info("center {}: job {} attempt {} already runs in slurm as {}; adopted", center, r.jobId(), r.attempt(), known);
                return known;
            }
        }
        try {
            Files.createDirectories(r.logDir());
        } catch (IOException e) {
            throw new BackendException("center " + center + " (slurm): cannot create log dir " + r.logDir() + ": " + e.getMessage(), false, e);
        }
        clearMarkers(r.logDir());
        ObjectNode body = submitBody(r);
        String slurmId;
        try {
            JsonNode reply = rest.post("/job/submit", body);
            slurmId = reply.path("job_id").asString("");
            if (slurmId.isEmpty() || "0".equals(slurmId)) {
                throw new BackendException("center " + center + " (slurm): submit answered without a job id: "
                        + SlurmRestClient.errors(reply), true);
            }
        } catch (SlurmRestClient.SlurmUnreachable e) {
            // the submit may have reached slurmctld before the reply was lost: look before anyone retries
            if (e.maybeDone) {
                scanned = false;
                try {
                    scanOurJobs();
                } catch (BackendException ignored) {
                    throw e;
                }
                String adopted = launched.get(key);
                if (adopted != null) {
                    return adopted;
                }
            }
            throw e;
        }
        tracked.put(slurmId, new Tracked(r.jobId(), r.attempt(), r.tasks().size(), r.logDir()));
        launched.put(key, slurmId);
        LOG.info("center {}: job {} attempt {} submitted as slurm job {}", center, r.jobId(), r.attempt(), slurmId);
        return slurmId;
    }

    /** Exit files of an earlier attempt in the same directory must not speak for this one. */
    private static void clearMarkers(Path logDir) throws BackendException {
        try (var files = Files.list(logDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(".task-") || n.equals(".started")) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new BackendException("cannot clear " + logDir + ": " + e.getMessage(), false, e);
        }
    }

    ObjectNode submitBody(LaunchRequest r) {
        int tasks = r.tasks().size();
        int nodes = (int) r.tasks().stream().map(TaskLaunch::node).distinct().count();
        int perNode = (tasks + nodes - 1) / nodes;
        int cardsPerTask = r.tasks().stream().mapToInt(t -> t.cards().length).max().orElse(0);
        ObjectNode job = SlurmRestClient.JSON.createObjectNode();
        job.put("name", "grid-" + r.jobId() + "-" + r.attempt());
        job.put("partition", settings.partition());
        job.put("comment", "computegrid center=" + center.replaceAll("\\s", "_") + " job=" + r.jobId()
                + " attempt=" + r.attempt() + " tasks=" + tasks);
        job.put("tasks", tasks);
        ArrayNode range = job.putArray("nodes");
        range.add(nodes);
        range.add(nodes);
        job.put("tasks_per_node", perNode);
        job.put("cpus_per_task", Math.max(1, (r.cpuMilli() + 999) / 1000));
        if (r.memoryMiB() > 0) {
            job.put("memory_per_node", r.memoryMiB() * perNode);
        }
        if (cardsPerTask > 0) {
            job.put("gres", "gpu:" + cardsPerTask * perNode);
        }
        if (r.maxRuntime() != null) {
            job.put("time_limit", Math.max(1, (r.maxRuntime().toSeconds() + 59) / 60));
        }
        // a lost node or a preemption ends the attempt; computegrid requeues it, Slurm must not do it behind our back
        job.put("requeue", false);
        job.put("current_working_directory", r.logDir().toString());
        job.put("standard_output", r.logDir().resolve("slurm-%j.out").toString());
        job.put("standard_error", r.logDir().resolve("slurm-%j.out").toString());
        ObjectNode env = job.putObject("environment");
        environment(r, cardsPerTask).forEach(env::put);
        ObjectNode body = SlurmRestClient.JSON.createObjectNode();
        body.put("script", BatchScript.render(r.jobId(), r.attempt(), center, tasks, r.command()));
        body.set("job", job);
        return body;
    }

    /** The job-wide environment; the wrapper adds what differs per task. */
    static Map<String, String> environment(LaunchRequest r, int cardsPerTask) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin");
        env.put("LANG", "C.UTF-8");
        env.putAll(GridEnv.forTask(r, r.tasks().get(0), "", 0));
        for (String perTask : List.of("GRID_TASK_INDEX", "GRID_NODE", "GRID_ACCELERATORS", "GRID_MASTER_ADDR",
                "GRID_MASTER_PORT", "GRID_ACCELERATOR_FRACTION")) {
            env.remove(perTask);
        }
        if (r.visibleDevicesEnv() != null && !r.visibleDevicesEnv().isEmpty()) {
            env.remove(r.visibleDevicesEnv());
            env.put("GRID_VISIBLE_DEVICES_ENV", r.visibleDevicesEnv());
        }
        env.put("GRID_CARDS_PER_TASK", Integer.toString(cardsPerTask));
        env.put("GRID_LOG_DIR", r.logDir().toString());
        return env;
    }

    @Override
    public void cancel(long jobId, int attempt, String handle, String reason) throws BackendException {
        String id = handle != null && !handle.isBlank() ? handle.trim() : launched.get(jobId + ":" + attempt);
        if (id == null || !id.matches("\\d{1,12}")) {
            return; // nothing was ever submitted for this attempt
        }
        Tracked t = tracked.get(id);
        if (t != null) {
            t.cancelReason = "killed: " + (reason == null || reason.isBlank() ? "cancelled" : reason);
        }
        try {
            rest.delete("/job/" + id);
        } catch (SlurmRestClient.SlurmError e) {
            String err = e.errors.toLowerCase();
            if (err.contains("already complet") || err.contains("invalid job id") || err.contains("already done")) {
                return; // idempotent: the job already ended or is gone
            }
            throw e;
        }
        LOG.info("center {}: cancelled slurm job {} (job {} attempt {}): {}", center, id, jobId, attempt, reason);
    }

    /**
     * The status of each job in Slurm, looked up by its handle in one {@code GET /jobs}. Every job not
     * {@code UNKNOWN} is followed from then on: its remaining events arrive through the listener, including
     * {@code taskExited} with the real exit codes for jobs that ended while computegrid was down.
     */
    @Override
    public Map<Long, JobStatus> reconcile(List<ActiveJob> jobs) throws BackendException {
        Map<String, JsonNode> all = listJobs();
        Map<Long, JobStatus> out = new HashMap<>();
        for (ActiveJob a : jobs) {
            JsonNode j = a.handle() == null ? null : all.get(a.handle().trim());
            Matcher m = j == null ? null : COMMENT.matcher(j.path("comment").asString(""));
            if (m == null || !m.find() || Long.parseLong(m.group(2)) != a.jobId() || Integer.parseInt(m.group(3)) != a.attempt()) {
                out.put(a.jobId(), JobStatus.UNKNOWN); // gone from Slurm, or the id now belongs to another job
                continue;
            }
            String state = j.path("job_state").asString("");
            JobStatus s = SlurmStates.status(state);
            out.put(a.jobId(), s);
            // followed again, ended ones too: the poller reports what is left (taskExited with each task's
            // own exit code) without repeating taskStarted for tasks that ran before the restart
            boolean ran = s == JobStatus.RUNNING || SlurmStates.terminal(state) && !j.path("batch_host").asString("").isEmpty();
            adopt(a.handle().trim(), j, m, ran);
        }
        return out;
    }

    private void adopt(String slurmId, JsonNode j, Matcher m, boolean started) {
        if (reported.contains(slurmId)) {
            return; // this instance already reported its end
        }
        long jobId = Long.parseLong(m.group(2));
        int attempt = Integer.parseInt(m.group(3));
        Path logDir = Path.of(j.path("current_working_directory").asString("/tmp"));
        tracked.computeIfAbsent(slurmId, k -> {
            Tracked t = new Tracked(jobId, attempt, Integer.parseInt(m.group(4)), logDir);
            t.started = started;
            t.restarts = j.path("restart_cnt").asInt(0);
            t.nodes = Hostlist.expand(j.path("nodes").asString(""));
            return t;
        });
        launched.putIfAbsent(jobId + ":" + attempt, slurmId);
    }

    /** Indexes our non-terminal jobs in Slurm (after a restart, or when a submit reply was lost). */
    private void scanOurJobs() throws BackendException {
        for (Map.Entry<String, JsonNode> e : listJobs().entrySet()) {
            JsonNode j = e.getValue();
            Matcher m = COMMENT.matcher(j.path("comment").asString(""));
            if (m.find() && m.group(1).equals(center.replaceAll("\\s", "_")) && !SlurmStates.terminal(j.path("job_state").asString(""))) {
                adopt(e.getKey(), j, m, SlurmStates.status(j.path("job_state").asString("")) == JobStatus.RUNNING);
            }
        }
        scanned = true;
    }

    private Map<String, JsonNode> listJobs() throws BackendException {
        Map<String, JsonNode> all = new HashMap<>();
        for (JsonNode j : rest.jobs()) {
            all.put(j.path("job_id").asString(""), j);
        }
        clusterJobs = all.size();
        return all;
    }

    /**
     * The jobs we follow, the cheaper way: one {@code GET /jobs} when we follow a good part of the cluster's
     * jobs, else one {@code GET /job/{id}} each (a supercomputer's queue holds thousands of jobs, about
     * 3.6 KB each in the reply, while we follow tens).
     */
    private Map<String, JsonNode> followedJobs() throws BackendException {
        int n = tracked.size();
        if (n > PER_JOB_MAX || (long) n * 10 >= clusterJobs || ++pollsSinceList >= 60) {
            pollsSinceList = 0;
            return listJobs();
        }
        perJobPolls++;
        Map<String, JsonNode> found = new HashMap<>();
        for (String id : tracked.keySet()) {
            try {
                for (JsonNode j : rest.get("/job/" + id).path("jobs")) {
                    found.put(j.path("job_id").asString(""), j);
                }
            } catch (SlurmRestClient.SlurmError e) {
                if (!e.errors.toLowerCase().contains("invalid job id")) {
                    throw e;
                } // purged: left out, as in the full list
            }
        }
        return found;
    }

    @Override
    public Optional<List<DiscoveredNode>> discover() throws BackendException {
        return Optional.of(discovery.discover());
    }

    /** Checks slurmrestd, slurmctld behind it, our credentials and the partition. */
    @Override
    public void ping() throws BackendException {
        JsonNode reply = rest.get("/ping");
        for (JsonNode p : reply.path("pings")) {
            if ("primary".equals(p.path("mode").asString("")) && !"UP".equals(p.path("ping").asString(""))) {
                throw new BackendException("center " + center + " (slurm): slurmctld on " + p.path("hostname").asString("?")
                        + " is " + p.path("ping").asString("?"), true);
            }
        }
        discovery.partition();
    }

    @Override
    public void close() {
        closed = true;
        poller.shutdownNow();
    }

    /** One poll of every job we follow; re-arms itself with exponential backoff while Slurm does not answer. */
    private void pollOnce() {
        long delay = settings.pollInterval().toMillis();
        try {
            if (!tracked.isEmpty()) {
                long t0 = System.nanoTime();
                Map<String, JsonNode> all = followedJobs();
                // GET /jobs costs slurmrestd and slurmctld about 0.4 ms per job in the cluster: keep polling under a
                // fifth of their time, however short pollInterval is (docs/benchmarks.md, Slurm dispatch)
                delay = Math.max(delay, 4 * (System.nanoTime() - t0) / 1_000_000);
                for (Map.Entry<String, Tracked> e : tracked.entrySet()) {
                    observe(e.getKey(), e.getValue(), all.get(e.getKey()));
                }
            }
            if (failures > 0) {
                LOG.info("center {}: slurmrestd answers again after {} failed polls", center, failures);
            }
            failures = 0;
            lastError = null;
        } catch (BackendException e) {
            failures++;
            lastError = e.getMessage();
            delay = Math.min(MAX_BACKOFF_MILLIS, delay << Math.min(failures, 5));
            if (failures == 1 || failures % 10 == 0) {
                LOG.warn("center {}: poll failed ({} in a row, next in {} ms): {}", center, failures, delay, e.getMessage());
            }
        } catch (RuntimeException e) {
            lastError = e.toString();
            LOG.error("center {}: poll failed unexpectedly", center, e);
        } finally {
            if (!closed) {
                poller.schedule(this::pollOnce, delay, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void observe(String slurmId, Tracked t, JsonNode j) {
        if (j == null) {
            // purged from slurmctld's memory (MinJobAge) or the cluster's state was wiped
            if (++t.missing >= 3) {
                finish(slurmId, t, "UNKNOWN", "slurm no longer knows job " + slurmId, 0);
            }
            return;
        }
        t.missing = 0;
        String state = j.path("job_state").asString("");
        String reason = j.path("state_reason").asString("");
        JobStatus s = SlurmStates.status(state);
        int restarts = j.path("restart_cnt").asInt(0);
        if (t.started && (restarts > t.restarts || s == JobStatus.PENDING)) {
            requeuedBySlurm(slurmId, t, reason);
            return;
        }
        t.restarts = restarts;
        if (s == JobStatus.RUNNING && !t.started) {
            t.nodes = Hostlist.expand(j.path("nodes").asString(""));
            markStarted(slurmId, t);
        } else if (s == JobStatus.PENDING && SlurmStates.HOPELESS.contains(reason) && t.cancelReason == null) {
            t.cancelReason = "slurm cannot run the job: " + reason;
            LOG.warn("center {}: slurm job {} (job {}) can never start ({}); cancelling it", center, slurmId, t.jobId, reason);
            try {
                rest.delete("/job/" + slurmId);
            } catch (BackendException e) {
                LOG.warn("center {}: cancel of hopeless slurm job {} failed: {}", center, slurmId, e.getMessage());
            }
        }
        if ("COMPLETING".equals(SlurmStates.base(state)) && t.cancelReason == null && allExitFiles(t)) {
            // every task has ended; Slurm may stay COMPLETING for a while (e.g. a step completion retried after an outage)
            finish(slurmId, t, "COMPLETED", reason, 0);
            return;
        }
        if (SlurmStates.terminal(state)) {
            boolean ran = !j.path("batch_host").asString("").isEmpty() || Files.exists(t.logDir.resolve(".task-0.exit"));
            if (ran && !t.started) {
                markStarted(slurmId, t);
            }
            finish(slurmId, t, state, reason, j.path("exit_code").asInt(0));
        }
    }

    private boolean allExitFiles(Tracked t) {
        for (int i = 0; i < t.tasks; i++) {
            if (!Files.exists(t.logDir.resolve(".task-" + i + ".exit"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Slurm 22.05 ignores {@code requeue: false} from slurmrestd, so after a node failure or a preemption it puts
     * the job back in its queue. That attempt is over for computegrid (which requeues on its side): cancel
     * Slurm's copy before it can run again, and report why, naming a node of the job that is down.
     */
    private void requeuedBySlurm(String slurmId, Tracked t, String reason) {
        String why = "requeued by slurm";
        try {
            for (JsonNode n : rest.get("/nodes").path("nodes")) {
                String name = n.path("name").asString("");
                if (t.nodes.contains(name) && !SlurmDiscovery.nodeUp(n)) {
                    why = "NODE_FAIL: node " + name + " is " + n.path("state").asString("down")
                            + (n.path("reason").asString("").isEmpty() ? "" : " (" + n.path("reason").asString("") + ")");
                    break;
                }
            }
        } catch (BackendException e) {
            LOG.debug("center {}: cannot read nodes for slurm job {}: {}", center, slurmId, e.getMessage());
        }
        if (why.startsWith("requeued") && !t.nodes.isEmpty()) {
            why = "NODE_FAIL or preemption: slurm requeued the job" + ("None".equals(reason) || reason.isEmpty() ? "" : " (" + reason + ")");
        }
        try {
            rest.delete("/job/" + slurmId);
        } catch (BackendException e) {
            // keep following it: the next poll tries again, and the attempt is not reported over before it is cancelled
            LOG.warn("center {}: cannot cancel slurm job {} that slurm requeued: {}", center, slurmId, e.getMessage());
            return;
        }
        LOG.warn("center {}: slurm job {} (job {} attempt {}) lost its run: {}; cancelled in slurm", center, slurmId, t.jobId, t.attempt, why);
        String text = "slurm: " + why;
        t.cancelReason = text;
        tracked.remove(slurmId);
        reported.add(slurmId);
        launched.remove(t.jobId + ":" + t.attempt);
        for (int i = 0; i < t.tasks; i++) {
            Integer own = readExit(t.logDir.resolve(".task-" + i + ".exit"));
            try {
                listener.taskExited(t.jobId, t.attempt, i, own != null ? own : 143, own != null ? "exited" : text);
            } catch (RuntimeException e) {
                LOG.error("center {}: listener failed on taskExited of job {}", center, t.jobId, e);
            }
        }
    }

    private void markStarted(String slurmId, Tracked t) {
        t.started = true;
        for (int i = 0; i < t.tasks; i++) {
            try {
                listener.taskStarted(t.jobId, t.attempt, i, slurmId);
            } catch (RuntimeException e) {
                LOG.error("center {}: listener failed on taskStarted of job {}", center, t.jobId, e);
            }
        }
    }

    private void finish(String slurmId, Tracked t, String state, String reason, int slurmExit) {
        tracked.remove(slurmId);
        reported.add(slurmId);
        launched.remove(t.jobId + ":" + t.attempt);
        for (int i = 0; i < t.tasks; i++) {
            Integer own = readExit(t.logDir.resolve(".task-" + i + ".exit"));
            int code = own != null && t.cancelReason == null ? own : SlurmStates.exitCode(state, slurmExit);
            String why = "UNKNOWN".equals(state) ? reason : SlurmStates.exitReason(state, reason, t.cancelReason, own != null);
            try {
                listener.taskExited(t.jobId, t.attempt, i, code, why);
            } catch (RuntimeException e) {
                LOG.error("center {}: listener failed on taskExited of job {}", center, t.jobId, e);
            }
        }
    }

    private static Integer readExit(Path p) {
        try {
            return Integer.parseInt(Files.readString(p).trim());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** Slurm jobs followed right now (for tests and the server's health view). */
    public int followed() {
        return tracked.size();
    }

    private static final class Tracked {
        final long jobId;
        final int attempt;
        final int tasks;
        final Path logDir;
        volatile boolean started;
        volatile String cancelReason;
        int missing;
        int restarts;
        List<String> nodes = List.of();

        Tracked(long jobId, int attempt, int tasks, Path logDir) {
            this.jobId = jobId;
            this.attempt = attempt;
            this.tasks = tasks;
            this.logDir = logDir;
        }
    }
}
