package io.computegrid.store;

import java.nio.file.Path;

/** A second process for {@link DataDirLockTest}: takes a data directory's lock, says so, and holds it until killed. */
public final class LockHolderMain {
    private LockHolderMain() {
    }

    public static void main(String[] args) throws Exception {
        DataDirLock lock = DataDirLock.acquire(Path.of(args[0]));
        lock.describe("http://127.0.0.1:1");
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
