package io.computegrid.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless chromium driven through Debian's chromedriver, both named by path so that
 * Selenium never looks for (or downloads) a browser or driver of its own. Each instance has a fresh
 * profile directory and is stopped, profile deleted, by {@link #close()}.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    public static final String INSTALL_HINT = "run scripts/browser/install.sh as root (installs Debian's chromium "
            + "and chromium-driver)";
    /** No sandbox (tests run as root), no GPU, and nothing that reaches out to the network on its own. */
    public static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    /** Selenium warns on every session that it has no CDP bindings for this chromium; raw CDP calls need none. */
    private static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger(
            "org.openqa.selenium.devtools");

    static {
        CDP_LOG.setLevel(Level.SEVERE);
    }

    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;

    private HeadlessChromium(int width, int height) {
        requireInstalled();
        try {
            profile = Files.createTempDirectory("grid-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeDriverService svc = null;
        try {
            svc = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                    .withLogOutput(java.io.OutputStream.nullOutputStream()).build();
            ChromeOptions o = new ChromeOptions();
            o.setBinary(CHROMIUM.toFile());
            o.addArguments(FLAGS);
            o.addArguments("--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--lang=en-US");
            o.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
            driver = new ChromeDriver(svc, o);
            service = svc;
        } catch (RuntimeException e) {
            if (svc != null) {
                svc.stop();
            }
            deleteProfile(profile);
            throw e;
        }
    }

    /** A browser with a 1440x900 window. Fails (never skips) with the install hint when chromium is missing. */
    public static HeadlessChromium start() {
        return new HeadlessChromium(1440, 900);
    }

    public static HeadlessChromium start(int width, int height) {
        return new HeadlessChromium(width, height);
    }

    public static void requireInstalled() {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException(p + " is missing: " + INSTALL_HINT);
            }
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    public WebDriverWait waiting(Duration timeout) {
        return new WebDriverWait(driver, timeout, Duration.ofMillis(25));
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Saves a PNG of the viewport (parents created). */
    public Path screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
            Files.deleteIfExists(shot.toPath());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Saves a PNG of the whole page: the viewport is stretched to the document's height for the shot
     * (so sticky bars and 100vh layouts draw as a person scrolling would see them), then restored.
     */
    @SuppressWarnings("unchecked")
    public Path fullPageScreenshot(Path file) {
        Map<String, Object> metrics = driver.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        Map<String, Object> view = (Map<String, Object>) metrics.get("cssLayoutViewport");
        long width = ((Number) view.get("clientWidth")).longValue();
        long height = Math.min(12_000, Math.max(((Number) size.get("height")).longValue(),
                ((Number) view.get("clientHeight")).longValue()));
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", false));
        try {
            Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png"));
            Files.createDirectories(file.getParent());
            Files.write(file, java.util.Base64.getDecoder().decode((String) shot.get("data")));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    /** Browser log entries at SEVERE (JavaScript errors, CSP violations, failed loads) since the last call. */
    public List<String> severeLog() {
        List<String> out = new ArrayList<>();
        for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.SEVERE.intValue()) {
                out.add(e.getMessage());
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } catch (RuntimeException e) {
            // the browser may already be gone; the service stop below ends the driver process either way
        } finally {
            service.stop();
            deleteProfile(profile);
        }
    }

    private static void deleteProfile(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp directory left behind is harmless
        }
    }
}
