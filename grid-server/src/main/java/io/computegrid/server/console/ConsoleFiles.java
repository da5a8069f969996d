package io.computegrid.server.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console's files from the server's class path: {@code console/**} from grid-server's
 * resources, and ECharts from its WebJar as {@code vendor/echarts.min.js}. Read once and kept in
 * memory (a few hundred KiB, plus 1 MiB of ECharts). Only plain relative names are looked up.
 */
final class ConsoleFiles {
    static final String ECHARTS_VERSION = "5.3.1";
    private static final Map<String, String> VENDOR = Map.of("vendor/echarts.min.js",
            "META-INF/resources/webjars/echarts/" + ECHARTS_VERSION + "/dist/echarts.min.js",
            "vendor/echarts.LICENSE.txt", "META-INF/resources/webjars/echarts/" + ECHARTS_VERSION + "/LICENSE");
    /** Names of letters, digits, _ and -, joined by single dots and slashes: no "..", no absolute paths. */
    private static final Pattern SAFE = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*(/[a-z0-9_-]+(\\.[a-z0-9_-]+)*)*",
            Pattern.CASE_INSENSITIVE);
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml",
            "png", "image/png", "txt", "text/plain; charset=utf-8", "json", "application/json", "ico", "image/x-icon");

    record File(byte[] bytes, String contentType, String etag) {
    }

    /** Files found so far (misses are not kept, so probing random names cannot grow it). */
    private final Map<String, File> cache = new ConcurrentHashMap<>();

    Optional<File> find(String path) {
        if (path == null || path.length() > 200 || !SAFE.matcher(path).matches()) {
            return Optional.empty();
        }
        File f = cache.get(path);
        if (f == null) {
            Optional<File> loaded = load(path);
            loaded.ifPresent(x -> cache.put(path, x));
            return loaded;
        }
        return Optional.of(f);
    }

    private static Optional<File> load(String path) {
        String type = TYPES.get(path.substring(path.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT));
        if (type == null) {
            return Optional.empty();
        }
        String resource = VENDOR.getOrDefault(path, "console/" + path);
        try (InputStream in = ConsoleFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            return Optional.of(new File(bytes, type, etag(bytes)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(d, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
