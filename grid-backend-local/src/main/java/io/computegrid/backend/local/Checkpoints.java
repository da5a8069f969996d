package io.computegrid.backend.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;

/** Finds the newest modification time under a checkpoint directory, with a bounded walk. */
final class Checkpoints {
    static final int MAX_DEPTH = 6;
    static final int MAX_ENTRIES = 10_000;

    private Checkpoints() {
    }

    /**
     * Newest mtime (millis) of the directory itself and anything below it (directories count: renaming a finished
     * checkpoint into place changes its parent's mtime), or 0 when it does not exist. Symlinks are not followed.
     */
    static long newestMillis(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return 0;
        }
        long[] newest = {0};
        int[] seen = {0};
        try {
            Files.walkFileTree(dir, EnumSet.noneOf(FileVisitOption.class), MAX_DEPTH, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                    return note(a);
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes a) {
                    return note(a);
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE; // deleted while we looked: fine
                }

                private FileVisitResult note(BasicFileAttributes a) {
                    newest[0] = Math.max(newest[0], a.lastModifiedTime().toMillis());
                    return ++seen[0] >= MAX_ENTRIES ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // keep what we saw
        }
        return newest[0];
    }
}
