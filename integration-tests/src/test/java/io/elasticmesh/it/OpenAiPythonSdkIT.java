package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.TritonProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The router's OpenAI-compatible HTTP API called with OpenAI's official Python SDK (pinned in
 * triton/requirements.txt, installed into the project venv by triton/setup.sh): runs
 * {@code src/test/python/test_openai_sdk.py} with pytest against the shared mesh.
 */
class OpenAiPythonSdkIT {

    @Test
    void theOfficialPythonSdkReadsRepliesStreamsErrorsAndContinuations() throws IOException, InterruptedException {
        Path tests = Path.of(System.getProperty("mesh.root"), "integration-tests", "src", "test", "python");
        ProcessBuilder pytest = new ProcessBuilder(
                        TritonProcess.python().toString(),
                        "-m",
                        "pytest",
                        "-q",
                        "-p",
                        "no:cacheprovider",
                        "test_openai_sdk.py")
                .directory(tests.toFile())
                .redirectErrorStream(true);
        pytest.environment()
                .put(
                        "MESH_OPENAI_BASE_URL",
                        "http://127.0.0.1:" + SharedMesh.mesh().httpPort("budget-router") + "/v1");
        Process process = pytest.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean ended = process.waitFor(5, TimeUnit.MINUTES);

        assertThat(ended).as("pytest ended").isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("7 passed");
    }
}
