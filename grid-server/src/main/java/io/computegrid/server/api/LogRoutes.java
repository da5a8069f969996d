package io.computegrid.server.api;

import io.computegrid.server.jobs.JobStore.JobRow;
import io.javalin.config.RoutesConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Task logs: {@code GET /api/v1/jobs/{id}/logs?task=N[&follow=true|&tail=LINES]}. Without {@code task}, all
 * tasks one after the other under a header; with {@code follow}, one task streamed until the job ends;
 * with {@code tail}, the last lines of each task.
 */
public final class LogRoutes implements RouteModule {
    @Override
    public void register(RoutesConfig r, ApiContext api) {
        r.get("/api/v1/jobs/{id}/logs", ctx -> {
            JobRow j = JobRoutes.visible(ctx, api);
            int tasks = api.jobs().spec(j.specJson()).tasks();
            String t = ctx.queryParam("task");
            boolean follow = "true".equalsIgnoreCase(ctx.queryParam("follow"));
            Integer tail = LogTail.param(ctx.queryParam("tail"));
            if (tail != null && follow) {
                throw ApiException.badRequest("tail: cannot be combined with follow");
            }
            Integer task = null;
            if (t != null) {
                try {
                    task = Integer.parseInt(t);
                } catch (NumberFormatException e) {
                    task = -1;
                }
                if (task < 0 || task >= tasks) {
                    throw ApiException.badRequest("task: must be between 0 and " + (tasks - 1));
                }
            }
            ctx.contentType("text/plain; charset=utf-8");
            if (task == null && (tasks == 1 || follow)) {
                task = 0;
            }
            if (task != null) {
                Path p = api.paths().log(j.id(), task);
                if (follow) {
                    long id = j.id();
                    ctx.result(new TailStream(p, () -> api.jobs().find(id).map(x -> x.state().isTerminal()).orElse(true)));
                } else {
                    String text = LogTail.read(p, tail);
                    ctx.result(text != null ? text : LogTail.of(fromBackend(api, j, task), tail));
                }
                return;
            }
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < tasks; i++) {
                Path p = api.paths().log(j.id(), i);
                all.append("==> task ").append(i).append(" <==\n");
                String text = LogTail.read(p, tail);
                all.append(text != null ? text : LogTail.of(fromBackend(api, j, i), tail));
            }
            ctx.result(all.toString());
        });
    }

    /**
     * A task whose output is not in the log directory (a Kubernetes pod keeps its own): asked of the
     * backend of the job's center; empty when it has none or cannot be reached (the reason is logged).
     */
    private static String fromBackend(ApiContext api, JobRow j, int task) {
        if (j.center() == null || j.attempt() == 0) {
            return "";
        }
        var b = api.backends().get(j.center());
        if (b.isEmpty()) {
            return "";
        }
        try {
            return b.get().logs(j.id(), j.attempt(), j.handle(), task).orElse("");
        } catch (io.computegrid.backend.BackendException e) {
            return "(logs of task " + task + " are not available from center " + j.center() + ": " + e.getMessage() + ")\n";
        }
    }

    /** Reads a growing file until {@code ended} says the writer is done and everything was read. */
    static final class TailStream extends InputStream {
        private final Path path;
        private final BooleanSupplier ended;
        private long offset;
        private long lastCheck;
        private boolean endSeen;

        TailStream(Path path, BooleanSupplier ended) {
            this.path = path;
            this.ended = ended;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            int n = read(b, 0, 1);
            return n < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                if (Files.exists(path)) {
                    try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
                        if (f.length() > offset) {
                            f.seek(offset);
                            int n = f.read(b, off, (int) Math.min(len, f.length() - offset));
                            if (n > 0) {
                                offset += n;
                                return n;
                            }
                        }
                    }
                }
                if (endSeen) {
                    return -1;
                }
                long now = System.nanoTime();
                if (now - lastCheck > 300_000_000L) {
                    lastCheck = now;
                    // read once more after the end is seen: the last lines may land just before
                    endSeen = ended.getAsBoolean();
                    if (endSeen) {
                        continue;
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return -1;
                }
            }
        }
    }
}
