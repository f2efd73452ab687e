package io.elasticmesh.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./mesh} skips the Maven build when its stamp matches: the stamp must change with every input of the build
 * (a POM, a source, tracked or new) and with nothing else, or a changed source would run stale code.
 */
class MeshScriptTests {

    private static final Path MESH =
            Path.of(System.getProperty("mesh.root", "..")).resolve("mesh");

    @TempDir
    Path checkout;

    @BeforeEach
    void aCheckoutWithOneModule() throws Exception {
        Files.copy(MESH, checkout.resolve("mesh"), StandardCopyOption.COPY_ATTRIBUTES);
        write("pom.xml", "<project/>");
        write("svc/pom.xml", "<project/>");
        write("svc/src/main/java/A.java", "class A {}");
        write("README.md", "# readme");
        run("git", "init", "-q");
        run("git", "add", "-A");
    }

    @Test
    void theStampFollowsTheBuildsInputsAndNothingElse() throws Exception {
        String built = stamp();
        assertThat(stamp()).as("same inputs").isEqualTo(built);

        write("README.md", "# edited");
        assertThat(stamp()).as("not a build input").isEqualTo(built);

        write("svc/src/main/java/A.java", "class A { int changed; }");
        String edited = stamp();
        assertThat(edited).as("an edited source").isNotEqualTo(built);

        write("svc/src/main/java/B.java", "class B {}");
        String added = stamp();
        assertThat(added).as("a new, untracked source").isNotEqualTo(edited);

        write("svc/pom.xml", "<project><!-- changed --></project>");
        assertThat(stamp()).as("a POM").isNotEqualTo(added);

        Files.delete(checkout.resolve("svc/src/main/java/B.java"));
        write("svc/pom.xml", "<project/>");
        assertThat(stamp()).as("back to what was built").isEqualTo(edited);
    }

    private String stamp() throws Exception {
        String out = run("bash", "-c", "source ./mesh && build_stamp").strip();
        assertThat(out).matches("[0-9a-f]{64}");
        return out;
    }

    private void write(String path, String text) throws IOException {
        Path file = checkout.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command))
                .directory(checkout.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
        return out;
    }
}
