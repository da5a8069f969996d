package io.computegrid.cli.serving;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A bounded load generator for loopback targets: a closed loop of {@code concurrency} clients (each sends its next
 * request when the last is answered), or an open loop at {@code rate} requests per second with at most
 * {@code concurrency} outstanding (arrivals beyond that cap are counted as skipped, not queued). It stops at the
 * duration or after {@code maxRequests}. Latencies are kept exactly (bounded by maxRequests) for percentiles.
 */
public final class LoadGenerator {
    public static final int MAX_CONCURRENCY = 1024;
    public static final long MAX_REQUESTS = 5_000_000;
    public static final Duration MAX_DURATION = Duration.ofHours(1);

    /** What to send and how hard. {@code rate} 0: closed loop. */
    public record Options(URI url, String token, String method, byte[] body, int concurrency, double rate,
                          Duration duration, long maxRequests, Duration timeout) {
        public Options {
            if (concurrency < 1 || concurrency > MAX_CONCURRENCY) {
                throw new IllegalArgumentException("--concurrency: must be between 1 and " + MAX_CONCURRENCY);
            }
            if (rate < 0 || rate > 100_000) {
                throw new IllegalArgumentException("--rate: must be between 0 and 100000 requests per second");
            }
            if (duration.isNegative() || duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
                throw new IllegalArgumentException("--duration: must be above 0 and at most 1h");
            }
            if (maxRequests < 1 || maxRequests > MAX_REQUESTS) {
                throw new IllegalArgumentException("--max-requests: must be between 1 and " + MAX_REQUESTS);
            }
        }
    }

    /** The outcome: counts, latency percentiles in milliseconds, answers per status and per replica. */
    public record Result(long requests, long ok, long errors, long skipped, double seconds, double throughput,
                         double p50Millis, double p90Millis, double p99Millis, double maxMillis, double meanMillis,
                         Map<String, Long> statuses, Map<String, Long> replicas) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("requests", requests);
            m.put("ok", ok);
            m.put("errors", errors);
            m.put("skipped", skipped);
            m.put("seconds", round(seconds));
            m.put("throughput", round(throughput));
            m.put("p50Millis", round(p50Millis));
            m.put("p90Millis", round(p90Millis));
            m.put("p99Millis", round(p99Millis));
            m.put("maxMillis", round(maxMillis));
            m.put("meanMillis", round(meanMillis));
            m.put("statuses", statuses);
            m.put("replicas", replicas);
            return m;
        }
    }

    /** Only loopback targets: this is a tool for measuring a local deployment, not for loading other hosts. */
    public static void requireLoopback(URI url) {
        if (url.getScheme() == null || !url.getScheme().equals("http") || url.getHost() == null) {
            throw new IllegalArgumentException("--url: '" + url + "' is not an http:// URL");
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(url.getHost())) {
                if (!a.isLoopbackAddress()) {
                    throw new IllegalArgumentException("--url: " + url.getHost() + " is not a loopback address; "
                            + "grid load only loads this machine");
                }
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--url: unknown host " + url.getHost());
        }
    }

    private final Options o;
    private final HttpClient client;
    private final ExecutorService pool;
    private final long[] latencies;
    private final AtomicInteger recorded = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger okCount = new AtomicInteger();
    private final AtomicInteger errorCount = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final Map<String, Long> statuses = new TreeMap<>();
    private final Map<String, Long> replicas = new TreeMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();

    public LoadGenerator(Options o) {
        requireLoopback(o.url());
        this.o = o;
        this.latencies = new long[(int) Math.min(o.maxRequests(), MAX_REQUESTS)];
        this.pool = Executors.newFixedThreadPool(o.concurrency(), r -> {
            Thread t = new Thread(r, "grid-load");
            t.setDaemon(true);
            return t;
        });
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build(); // its own executor: workers block in send()
    }

    /** Runs the load; {@code progress} gets a line about once a second. */
    public Result run(Consumer<String> progress) throws InterruptedException {
        long t0 = System.nanoTime();
        long end = t0 + o.duration().toNanos();
        Thread reporter = new Thread(() -> report(progress, t0), "grid-load-progress");
        reporter.setDaemon(true);
        reporter.start();
        try {
            if (o.rate() > 0) {
                openLoop(t0, end);
            } else {
                closedLoop(end);
            }
        } finally {
            stop.set(true);
            reporter.interrupt();
            pool.shutdown();
            pool.awaitTermination(o.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        int n = Math.min(recorded.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        double mean = n == 0 ? 0 : Arrays.stream(sorted).average().orElse(0) / 1e6;
        synchronized (statuses) {
            return new Result(n, okCount.get(), errorCount.get(), skipped.get(), seconds, n / seconds,
                    pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99), n == 0 ? 0 : sorted[n - 1] / 1e6, mean,
                    new TreeMap<>(statuses), new TreeMap<>(replicas));
        }
    }

    /** Every recorded latency in nanoseconds (after {@link #run}), to pool rounds of a benchmark. */
    public long[] latenciesNanos() {
        return Arrays.copyOf(latencies, Math.min(recorded.get(), latencies.length));
    }

    /** The {@code q} quantile (0..1) of sorted nanoseconds, in milliseconds. */
    public static double percentileMillis(long[] sorted, double q) {
        return pct(sorted, q);
    }

    private void closedLoop(long end) throws InterruptedException {
        for (int i = 0; i < o.concurrency(); i++) {
            pool.execute(() -> {
                while (!stop.get() && System.nanoTime() < end && started.incrementAndGet() <= o.maxRequests()) {
                    send();
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(o.duration().toMillis() + o.timeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    }

    private void openLoop(long t0, long end) throws InterruptedException {
        Semaphore cap = new Semaphore(o.concurrency());
        double intervalNanos = 1e9 / o.rate();
        for (long k = 0; ; k++) {
            long due = t0 + (long) (k * intervalNanos);
            if (due >= end || k >= o.maxRequests()) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (!cap.tryAcquire()) {
                skipped.incrementAndGet();
                continue;
            }
            pool.execute(() -> {
                try {
                    send();
                } finally {
                    cap.release();
                }
            });
        }
        cap.acquire(o.concurrency()); // the last ones answered
    }

    private void send() {
        HttpRequest.Builder b = HttpRequest.newBuilder(o.url()).timeout(o.timeout())
                .method(o.method(), o.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(o.body()));
        if (o.body().length > 0) {
            b.header("Content-Type", "application/json");
        }
        if (o.token() != null && !o.token().isBlank()) {
            b.header("Authorization", "Bearer " + o.token().trim());
        }
        inFlight.incrementAndGet();
        long s = System.nanoTime();
        String status;
        String replica = null;
        boolean ok;
        try {
            HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            status = Integer.toString(r.statusCode());
            ok = r.statusCode() < 400;
            replica = r.headers().firstValue("X-Grid-Replica").orElse(null);
        } catch (IOException e) {
            status = e.getClass().getSimpleName();
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            inFlight.decrementAndGet();
            return;
        }
        long took = System.nanoTime() - s;
        inFlight.decrementAndGet();
        int i = recorded.getAndIncrement();
        if (i < latencies.length) {
            latencies[i] = took;
        }
        (ok ? okCount : errorCount).incrementAndGet();
        synchronized (statuses) {
            statuses.merge(status, 1L, Long::sum);
            if (replica != null) {
                replicas.merge(replica, 1L, Long::sum);
            }
        }
    }

    private void report(Consumer<String> progress, long t0) {
        while (!stop.get()) {
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
            double s = (System.nanoTime() - t0) / 1e9;
            progress.accept(String.format(java.util.Locale.ROOT, "%.0fs/%ds: %d requests (%.0f/s), %d errors, %d in flight",
                    s, o.duration().toSeconds(), recorded.get(), recorded.get() / s, errorCount.get(), inFlight.get()));
        }
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    static double round(double d) {
        return Math.round(d * 1000) / 1000.0;
    }
}
