package io.computegrid.server.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.browser.HeadlessChromium;
import io.computegrid.server.api.Json;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

/** The console in Debian's headless chromium, as a person uses it: sign in, click through, read numbers and charts. */
final class ConsoleBrowser implements AutoCloseable {
    static final Path SHOTS = Path.of("target", "console-screenshots");
    static final Duration WAIT = Duration.ofSeconds(20);
    final HeadlessChromium chromium;
    private final String base;
    private int lastNav;

    ConsoleBrowser(String serverUrl) {
        this.base = serverUrl + "/console/";
        this.chromium = HeadlessChromium.start();
        try {
            chromium.driver().get(base);
        } catch (RuntimeException e) {
            chromium.close();
            throw e;
        }
    }

    /** Types the token into the sign-in form; returns once the shell or the sign-in error shows. */
    void signIn(String token) {
        chromium.waiting(WAIT).until(d -> d.findElement(By.id("signin")).isDisplayed());
        lastNav = 0;
        WebElement input = chromium.driver().findElement(By.id("signin-token"));
        input.clear();
        input.sendKeys(token);
        chromium.driver().findElement(By.id("signin-submit")).click();
        chromium.waiting(WAIT).until(d -> d.findElement(By.id("shell")).isDisplayed()
                || d.findElement(By.id("signin-error")).isDisplayed());
        if (chromium.driver().findElement(By.id("shell")).isDisplayed()) {
            waitReady();
        }
    }

    String signInError() {
        WebElement e = chromium.driver().findElement(By.id("signin-error"));
        return e.isDisplayed() ? e.getText() : null;
    }

    boolean signedIn() {
        return chromium.driver().findElement(By.id("shell")).isDisplayed();
    }

    /** Navigates inside the console (#/jobs?state=RUNNING) and waits until the view has rendered. */
    ConsoleBrowser go(String hash) {
        chromium.script("location.hash = arguments[0]", hash);
        return waitReady();
    }

    /** Waits for the next navigation to finish, successfully or with the page's error box. */
    String waitReadyOrError() {
        chromium.waiting(WAIT).until(d -> {
            Object nav = chromium.script("return document.getElementById('view').dataset.nav || '0'");
            Object st = chromium.script("return document.getElementById('view').dataset.state");
            return Integer.parseInt(nav.toString()) > lastNav && ("ready".equals(st) || "error".equals(st));
        });
        lastNav = Integer.parseInt(chromium.script("return document.getElementById('view').dataset.nav").toString());
        return chromium.script("return document.getElementById('view').dataset.state").toString();
    }

    /** Waits for the next navigation to finish; fails with the page's error box when the view failed. */
    ConsoleBrowser waitReady() {
        if ("error".equals(waitReadyOrError())) {
            throw new AssertionError("the view failed: " + text("[data-test=error]"));
        }
        // charts draw on the next animation frame
        chromium.waiting(WAIT).until(d -> (Boolean) chromium.script(
                "return [...document.querySelectorAll('[data-chart]')].every(n => n.dataset.ready === 'true')"));
        return this;
    }

    /** The option of the ECharts instance drawn in [data-chart=name], as ECharts holds it. */
    JsonNode chart(String name) {
        Object json = chromium.script("const n = document.querySelector('[data-chart=\"' + arguments[0] + '\"]');"
                + "const c = n && echarts.getInstanceByDom(n); return c ? JSON.stringify(c.getOption()) : null;", name);
        assertThat(json).as("chart " + name + " is drawn").isNotNull();
        return Json.MAPPER.readTree(json.toString());
    }

    String text(String css) {
        return chromium.driver().findElement(By.cssSelector(css)).getText();
    }

    List<String> texts(String css) {
        return chromium.driver().findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }

    List<WebElement> all(String css) {
        return chromium.driver().findElements(By.cssSelector(css));
    }

    void click(String css) {
        chromium.driver().findElement(By.cssSelector(css)).click();
    }

    Path shot(String name) {
        return chromium.fullPageScreenshot(SHOTS.resolve(name + ".png"));
    }

    void assertNoBrowserErrors() {
        assertThat(chromium.severeLog()).as("JavaScript errors and CSP violations in the browser log").isEmpty();
    }

    Object script(String js, Object... args) {
        return chromium.script(js, args);
    }

    @Override
    public void close() {
        chromium.close();
    }
}
