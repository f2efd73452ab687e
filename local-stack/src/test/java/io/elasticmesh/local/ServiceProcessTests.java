package io.elasticmesh.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The services' JVM options come from the env file Kubernetes reads too, read as kustomize reads it. */
class ServiceProcessTests {

    private static final Path ROOT = Path.of(System.getProperty("mesh.root", ".."));

    @TempDir
    Path tmp;

    @Test
    void anEnvFileIsReadAsKustomizeReadsItCommentsAndBlankLinesSkippedValuesKeptWhole() throws Exception {
        Path file = tmp.resolve("jvm.env");
        Files.writeString(file, """
                # sizes
                JAVA_OPTS=-Xmx64m -Dkey=value=with=equals

                MALLOC_ARENA_MAX=2
                """);

        assertThat(ServiceProcess.readEnvFile(file))
                .containsExactly(
                        Map.entry("JAVA_OPTS", "-Xmx64m -Dkey=value=with=equals"), Map.entry("MALLOC_ARENA_MAX", "2"));
    }

    @Test
    void aServiceGetsTheCommonOptionsThenItsOwnAndNoOtherServicesOwn() {
        Map<String, String> vars = Map.of(
                "JAVA_OPTS", "-Xmx64m  -XX:+UseSerialGC",
                "BUDGET_ROUTER_JAVA_OPTS", "-XX:TieredStopAtLevel=1",
                "AUDIT_SERVICE_JAVA_OPTS", "-Xss512k");

        assertThat(ServiceProcess.javaOptions(vars, "budget-router"))
                .containsExactly("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        assertThat(ServiceProcess.javaOptions(vars, "decoder-service")).containsExactly("-Xmx64m", "-XX:+UseSerialGC");
    }

    @Test
    void theShippedFileSizesTheHeapPicksSerialGcAndLimitsMallocArenas() {
        var vars = ServiceProcess.readEnvFile(ROOT.resolve(ServiceProcess.JVM_ENV_FILE));

        assertThat(vars.get("JAVA_OPTS")).contains("-XX:+UseSerialGC", "-Xms", "-Xmx", "-Xmn");
        assertThat(vars).containsEntry("MALLOC_ARENA_MAX", "2");
    }
}
