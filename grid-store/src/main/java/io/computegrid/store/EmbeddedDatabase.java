package io.computegrid.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL (zonky's binaries, PostgreSQL 17) living in {@code DIR/pg}, listening on
 * loopback only, with a password generated on first start and kept in {@code DIR/db.password}
 * (mode 600). Only the holder of the directory's {@link DataDirLock} starts it; so a postmaster found
 * running in {@code DIR/pg} really was left behind by a killed server and is stopped before starting
 * again (a live server would still hold the lock).
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    public static final String DATABASE = "grid";
    public static final String USER = "postgres";

    private final EmbeddedPostgres pg;
    private final String password;
    /** The lock this database took itself (when started without one), released at close. */
    private final DataDirLock ownLock;
    private final Path pgDir;

    private EmbeddedDatabase(EmbeddedPostgres pg, Path pgDir, String password, DataDirLock ownLock) {
        this.pg = pg;
        this.pgDir = pgDir;
        this.password = password;
        this.ownLock = ownLock;
    }

    /** Locks {@code dataDir} (or fails with {@link DataDirLock.HeldException}) and starts PostgreSQL in it. */
    public static EmbeddedDatabase start(Path dataDir) {
        DataDirLock lock = DataDirLock.acquire(dataDir);
        try {
            return start(dataDir, lock, lock);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Starts PostgreSQL in a data directory whose lock the caller holds (and keeps until after close). */
    public static EmbeddedDatabase start(Path dataDir, DataDirLock lock) {
        return start(dataDir, lock, null);
    }

    private static EmbeddedDatabase start(Path dataDir, DataDirLock lock, DataDirLock own) {
        if (lock == null || !lock.covers(dataDir)) {
            throw new IllegalStateException("the embedded PostgreSQL of " + dataDir + " needs that directory's lock");
        }
        try {
            Files.createDirectories(dataDir);
            Path pgDir = dataDir.resolve("pg");
            Path pwFile = dataDir.resolve("db.password");
            stopLeftover(pgDir);
            boolean fresh = !Files.exists(pgDir.resolve("PG_VERSION")) || !Files.exists(pwFile);
            if (fresh && Files.exists(pgDir)) {
                // a first start that died before it finished: start over
                deleteTree(pgDir);
            }
            String password = fresh ? newPassword() : Files.readString(pwFile).trim();
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setDataDirectory(pgDir)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "60")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(dataDir.resolve("postgres.log").toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(dataDir.resolve("postgres.log").toFile()));
            if (!fresh) {
                b.setConnectConfig("password", password);
            }
            EmbeddedPostgres pg = b.start();
            if (fresh) {
                secure(pg, pgDir, password);
                Path tmp = dataDir.resolve("db.password.tmp");
                Files.writeString(tmp, password + "\n");
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                Files.move(tmp, pwFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
            return new EmbeddedDatabase(pg, pgDir, password, own);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** Sets the generated password, creates the database and requires passwords from now on. */
    private static void secure(EmbeddedPostgres pg, Path pgDir, String password) throws IOException {
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement st = c.createStatement()) {
            st.execute("ALTER USER postgres PASSWORD '" + password + "'");
            st.execute("CREATE DATABASE " + DATABASE);
            Files.writeString(pgDir.resolve("pg_hba.conf"),
                    "# written by computegrid: loopback only, passwords required\n"
                            + "local all all scram-sha-256\n"
                            + "host all all 127.0.0.1/32 scram-sha-256\n");
            st.execute("SELECT pg_reload_conf()");
        } catch (java.sql.SQLException e) {
            throw new IOException("cannot secure the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** The postmaster's pid (from {@code postmaster.pid}), for tests that kill it under a running server. */
    public long postmasterPid() {
        try {
            return Long.parseLong(Files.readAllLines(pgDir.resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void stopLeftover(Path pgDir) {
        Path pidFile = pgDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").trim();
            long pid = Long.parseLong(first);
            Optional<ProcessHandle> ph = ProcessHandle.of(pid);
            if (ph.isPresent() && ph.get().isAlive()
                    && ph.get().info().command().map(c -> c.contains("postgres")).orElse(false)) {
                log.warn("stopping a PostgreSQL (pid {}) left running by an earlier server", pid);
                new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (ph.get().isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.warn("could not read {}: {}", pidFile, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String newPassword() {
        byte[] b = new byte[24];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/" + DATABASE;
    }

    public String password() {
        return password;
    }

    @Override
    public void close() {
        try {
            pg.close();
        } catch (IOException e) {
            log.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
        } finally {
            if (ownLock != null) {
                ownLock.close();
            }
        }
    }
}
