package io.computegrid.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive claim of one server on a data directory: an OS lock on {@code DIR/server.lock} that
 * the kernel drops when the process dies, whatever the way. A server must hold it before it touches
 * {@code DIR/pg}: two servers on one embedded PostgreSQL would kill each other's database (see
 * docs/decisions/ha-data-dir-lock.md). The file names the holder (pid, URL) for the one that is refused.
 */
public final class DataDirLock implements AutoCloseable {
    public static final String FILE = "server.lock";
    /**
     * Locks held by this JVM, by directory. POSIX record locks belong to the process and any close of
     * the file releases them, so this JVM never opens a locked file a second time: it answers from here.
     */
    private static final Map<Path, DataDirLock> HELD = new ConcurrentHashMap<>();

    private final Path dir;
    private final FileChannel channel;
    private final FileLock lock;
    private volatile String holder;

    private DataDirLock(Path dir, FileChannel channel, FileLock lock) {
        this.dir = dir;
        this.channel = channel;
        this.lock = lock;
    }

    /** Refused: another live server holds the directory. */
    public static final class HeldException extends IllegalStateException {
        private final String holder;

        HeldException(Path dir, String holder) {
            super("data directory " + dir + " is in use by another computegrid server (" + holder + "); stop that "
                    + "server first, or run a standby against a shared PostgreSQL with --db-url");
            this.holder = holder;
        }

        /** Who holds it, as the lock file says: {@code pid 123, http://127.0.0.1:8080}. */
        public String holder() {
            return holder;
        }
    }

    /** Takes the lock at once or throws {@link HeldException}; never waits. */
    public static DataDirLock acquire(Path dataDir) {
        Path dir = canonical(dataDir);
        synchronized (HELD) {
            DataDirLock mine = HELD.get(dir);
            if (mine != null) {
                throw new HeldException(dir, mine.holder);
            }
            try {
                FileChannel ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException | IOException e) {
                    l = null;
                }
                if (l == null) {
                    String who = read(ch);
                    ch.close();
                    throw new HeldException(dir, who.isBlank() ? "holder unknown" : who);
                }
                DataDirLock d = new DataDirLock(dir, ch, l);
                d.describe(null);
                HELD.put(dir, d);
                return d;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock data directory " + dir + ": " + e.getMessage(), e);
            }
        }
    }

    /** Writes who holds the lock (pid, and the server's URL once it listens) for a refused second server. */
    public void describe(String url) {
        String who = "pid " + ProcessHandle.current().pid() + (url == null ? "" : ", " + url) + ", since "
                + Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        holder = who;
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((who + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            // the lock itself is what matters; the description is a courtesy
        }
    }

    private static Path canonical(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            return dataDir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create data directory " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private static String read(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(512);
        ch.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
    }

    public Path dir() {
        return dir;
    }

    /** True while this lock covers {@code dataDir}. */
    public boolean covers(Path dataDir) {
        return lock.isValid() && dir.equals(canonical(dataDir));
    }

    @Override
    public void close() {
        synchronized (HELD) {
            HELD.remove(dir, this);
            try {
                if (lock.isValid()) {
                    channel.truncate(0);
                    lock.release();
                }
                channel.close();
            } catch (IOException e) {
                // closing the channel releases the lock in any case
            }
        }
    }
}
