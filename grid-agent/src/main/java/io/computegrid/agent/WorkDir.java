package io.computegrid.agent;

import io.computegrid.agentapi.AgentApi;
import io.computegrid.backend.ActiveJob;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * The agent's directory ({@code --work}): a lock so that one agent uses it, the credential it got at its first
 * join ({@code agent.json}, mode 600), the handles of the tasks it runs ({@code running.json}, so that a restarted
 * agent can kill what a killed one left behind) and each job's files: {@code jobs/<id>/attempt-<n>/task-N.log}
 * (one file per attempt, shipped to the server from offset 0), {@code jobs/<id>/work} and {@code jobs/<id>/checkpoint}.
 */
final class WorkDir implements AutoCloseable {
    private final Path root;
    private FileChannel lockChannel;
    private FileLock lock;

    WorkDir(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** Creates the directory and takes its lock; another live agent on it is an error. */
    void open() throws IOException {
        Files.createDirectories(root);
        lockChannel = FileChannel.open(root.resolve("agent.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            throw new IOException("another agent is running with --work " + root);
        }
    }

    Path logDir(long jobId, int attempt) {
        return root.resolve("jobs").resolve(Long.toString(jobId)).resolve("attempt-" + attempt);
    }

    Path workDir(long jobId) {
        return root.resolve("jobs").resolve(Long.toString(jobId)).resolve("work");
    }

    Path checkpointDir(long jobId) {
        return root.resolve("jobs").resolve(Long.toString(jobId)).resolve("checkpoint");
    }

    /** What the agent keeps of its identity between runs. */
    record Identity(String name, String center, String credential) {
    }

    Optional<Identity> identity() throws IOException {
        Path f = root.resolve("agent.json");
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        return Optional.ofNullable(AgentApi.JSON.readValue(Files.readAllBytes(f), Identity.class));
    }

    void saveIdentity(Identity id) throws IOException {
        writeSecret(root.resolve("agent.json"), AgentApi.JSON.writeValueAsBytes(id));
    }

    void forgetIdentity() throws IOException {
        Files.deleteIfExists(root.resolve("agent.json"));
    }

    List<ActiveJob> running() throws IOException {
        Path f = root.resolve("running.json");
        if (!Files.exists(f)) {
            return List.of();
        }
        return List.of(AgentApi.JSON.readValue(Files.readAllBytes(f), ActiveJob[].class));
    }

    void saveRunning(List<ActiveJob> jobs) throws IOException {
        Path tmp = root.resolve("running.json.tmp");
        Files.write(tmp, AgentApi.JSON.writeValueAsBytes(jobs));
        Files.move(tmp, root.resolve("running.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writeSecret(Path file, byte[] content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, content);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            // the process ends anyway
        }
    }
}
