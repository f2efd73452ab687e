package io.elasticmesh.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrowserTests {

    @Test
    void itIsDebiansChromiumAndItReportsWhatThePageLogsAsAnError(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("page.html");
        Files.writeString(page, """
                <!DOCTYPE html><html><head><title>t</title></head><body>
                <script>console.log('fine'); console.error('broken on purpose');</script></body></html>
                """);
        Process version = new ProcessBuilder(Browser.CHROMIUM.toString(), "--version").start();
        String installed = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        version.waitFor();
        Path profile;

        try (Browser browser = Browser.start()) {
            browser.driver().get(page.toUri().toString());

            assertThat(installed)
                    .contains(" " + browser.driver().getCapabilities().getBrowserVersion() + " ");
            assertThat(browser.consoleErrors()).singleElement().asString().contains("broken on purpose");
            // chromedriver reports the profile it started Chromium with: a fresh one, deleted on close
            Map<?, ?> chrome = (Map<?, ?>) browser.driver().getCapabilities().getCapability("chrome");
            profile = Path.of((String) chrome.get("userDataDir"));
            assertThat(profile).isDirectory();
        }
        assertThat(profile).doesNotExist();
    }
}
