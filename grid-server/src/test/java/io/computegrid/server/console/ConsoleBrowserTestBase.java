package io.computegrid.server.console;

import java.math.BigDecimal;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A {@link ConsoleWorld} and a browser on its console for the whole test class; the browser stops first. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConsoleBrowserTestBase {
    /** Static: JUnit fills a static temp dir before @BeforeAll (one per test class run). */
    @TempDir
    static Path dir;
    ConsoleWorld world;
    ConsoleBrowser browser;

    @BeforeAll
    void start() throws Exception {
        world = new ConsoleWorld(dir);
        try {
            browser = new ConsoleBrowser(world.server.url());
        } catch (RuntimeException e) {
            world.close();
            throw e;
        }
    }

    @AfterAll
    void stop() {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (world != null) {
                world.close();
            }
        }
    }

    /** A number as the page shows it ("1,234.50 CNY", "30%"). */
    static BigDecimal number(String text) {
        return new BigDecimal(text.replaceAll("[^0-9.\\-]", ""));
    }
}
