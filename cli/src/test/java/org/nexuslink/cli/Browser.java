// SPDX-License-Identifier: AGPL-3.0-or-later
package org.nexuslink.cli;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (Debian's {@code chromium}, driven through its {@code chromedriver}) with
 * its own empty profile and download folder, and the few ways the app's browser tests find
 * things: by accessible name (label, {@code aria-label} or text) and by {@code data-testid}.
 * Screenshots go to a folder kept as a test artifact.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * Selenium warns that it has no DevTools binding for this Chromium's version: the tests use
     * WebDriver only, never DevTools. Held in a field: the JDK keeps loggers only weakly.
     */
    private static final java.util.logging.Logger DEVTOOLS =
            java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    static {
        DEVTOOLS.setLevel(java.util.logging.Level.SEVERE);
    }

    final ChromeDriver driver;
    final Path downloads;
    private final Path screenshots;
    private final String name;

    Browser(String name, Path workDir, Path screenshots) throws IOException {
        this.name = name;
        this.screenshots = screenshots;
        this.downloads = Files.createDirectories(workDir.resolve(name + "-downloads"));
        Path userData = Files.createDirectories(workDir.resolve(name + "-chromium"));
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // As root without a sandbox; no background traffic (this machine's network is closed).
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,800",
                "--user-data-dir=" + userData);
        options.setExperimentalOption(
                "prefs",
                Map.of("download.default_directory", downloads.toString(), "download.prompt_for_download", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogOutput(java.io.OutputStream.nullOutputStream())
                .build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(WAIT);
        size(1280, 800);
    }

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    void open(String url) {
        driver.get(url);
    }

    /** Sizes the window so that the page's viewport is {@code width} x {@code height}. */
    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        long innerWidth = (Long) script("return window.innerWidth;");
        long innerHeight = (Long) script("return window.innerHeight;");
        driver.manage().window().setSize(new Dimension((int) (2L * width - innerWidth), (int)
                (2L * height - innerHeight)));
    }

    /** An input, textarea or select by its label text or {@code aria-label}, once visible. */
    WebElement field(String label) {
        String literal = xpathLiteral(label);
        By by = By.xpath("//*[(self::input or self::textarea or self::select) and (@aria-label=" + literal
                + " or @id=//label[normalize-space()=" + literal + "]/@for)]"
                + " | //label[normalize-space()=" + literal + "]//*[self::input or self::textarea or self::select]");
        return visible(by, "field '" + label + "'");
    }

    /** A button (or link acting as one) by its text or {@code aria-label}, once visible. */
    WebElement button(String name) {
        return visible(buttonBy(name), "button '" + name + "'");
    }

    /** Clicks a button once it is visible and enabled. */
    void click(String name) {
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> this.name + ": button '" + name + "' not clickable")
                .until(ExpectedConditions.elementToBeClickable(buttonBy(name)))
                .click();
    }

    private static By buttonBy(String name) {
        String literal = xpathLiteral(name);
        return By.xpath("//*[(self::button or self::a or @role='button') and (normalize-space()=" + literal
                + " or @aria-label=" + literal + ")]");
    }

    void type(String label, String text) {
        WebElement field = field(label);
        field.clear();
        field.sendKeys(text);
    }

    WebElement testId(String id) {
        return visible(By.cssSelector("[data-testid='" + id + "']"), "data-testid=" + id);
    }

    List<WebElement> all(String testId) {
        return driver.findElements(By.cssSelector("[data-testid='" + testId + "']"));
    }

    WebElement visible(By by, String what) {
        return new WebDriverWait(driver, WAIT)
                .withMessage(() -> name + ": " + what + " not visible")
                .until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits until some element's text contains {@code text}. */
    WebElement text(String text) {
        By by = By.xpath("//*[contains(normalize-space(), " + xpathLiteral(text)
                + ") and not(*[contains(normalize-space(), " + xpathLiteral(text) + ")])]");
        return visible(by, "text '" + text + "'");
    }

    <T> T until(java.util.function.Function<WebDriver, T> condition, String what) {
        return new WebDriverWait(driver, WAIT)
                .withMessage(() -> name + ": " + what)
                .until(condition);
    }

    Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    Object asyncScript(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(js, args);
    }

    /** Saves a screenshot as {@code <name>.png} in the artifact folder. */
    Path screenshot(String shot) throws IOException {
        File png = driver.getScreenshotAs(OutputType.FILE);
        Path target = screenshots.resolve(shot + ".png");
        Files.createDirectories(screenshots);
        Files.copy(png.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** Empties the screenshot folder, so that it shows one run only. */
    static void clearScreenshots(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            try (var files = Files.list(folder)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".png")).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    static String xpathLiteral(String s) {
        if (!s.contains("'")) {
            return "'" + s + "'";
        }
        return "concat('" + s.replace("'", "', \"'\", '") + "')";
    }

    @Override
    public void close() {
        driver.quit();
    }
}
