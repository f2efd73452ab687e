package io.elasticmesh.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Debian's Chromium, headless, driven through Selenium, for tests that read a page as a reader sees it. The browser
 * and its driver are the apt packages {@code chromium} and {@code chromium-driver} ({@code ./mesh setup} installs
 * them), named by path so that Selenium Manager, which would download both, never runs. Each browser gets a fresh
 * profile, deleted on {@link #close()}.
 */
public final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** @throws IllegalStateException when Chromium or its driver is not installed, saying how to install them */
    public static Browser start() throws IOException {
        for (Path binary : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(binary)) {
                throw new IllegalStateException(binary + " not found: install Debian's browser with "
                        + "'apt-get install chromium chromium-driver' (./mesh setup does)");
            }
        }
        Path profile = Files.createTempDirectory("chromium-profile");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                // --no-sandbox: Chromium refuses to run as root with its sandbox, as CI and containers run it;
                // --disable-dev-shm-usage: a container's /dev/shm is often too small for its shared memory.
                .addArguments(
                        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        try {
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            Directories.deleteRecursively(profile);
            throw e;
        }
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** What the page wrote to the console at level SEVERE (errors, failed loads) since the last call. */
    public List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            Directories.deleteRecursively(profile);
        }
    }
}
