package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.local.StarterJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kill -9 of the JVM that runs a local mesh (as users' checks kill any process, mid-work) leaves nothing running:
 * no service, no PostgreSQL, no triton/launch.py, no tritonserver, and no port held. Each child has the kernel's
 * parent-death signal (local-stack {@code Processes.startTiedToThisJvm}); with that signal cleared the test fails,
 * the children outliving the JVM.
 */
class StarterKilledIT {

    @Test
    void aMeshWhoseJvmIsKilledWithSigkillStopsEveryProcessItStartedAndFreesTheirPorts() throws Exception {
        Path work = Path.of(System.getProperty("mesh.work")).resolve("starter-killed");
        try (StarterJvm starter =
                StarterJvm.start(StarterJvm.Stack.MESH, Path.of(System.getProperty("mesh.root")), work)) {
            List<Integer> ports = starter.awaitReady(Duration.ofMinutes(6));
            assertThat(ports)
                    .as("the services', Triton's and PostgreSQL's ports")
                    .hasSize(14);
            assertThat(ports).allMatch(StarterJvm::listening);

            List<String> running = starter.process()
                    .descendants()
                    .map(p -> p.info().command().orElse("") + " "
                            + p.info().commandLine().orElse(""))
                    .toList();
            assertThat(running.stream().filter(c -> c.contains("quarkus-run.jar")))
                    .as("the four services among %s", running)
                    .hasSize(4);
            for (String component : List.of("bin/postgres", "triton/launch.py", "bin/tritonserver")) {
                assertThat(running).as("%s among %s", component, running).anyMatch(c -> c.contains(component));
            }

            List<ProcessHandle> children = starter.killWithSigkill();

            // Each child stops on its own signal (services and launch.py TERM, PostgreSQL INT): a graceful shutdown.
            StarterJvm.awaitEnd(children, Duration.ofSeconds(90));
            assertThat(children)
                    .as("still running after the mesh's JVM was killed; logs in %s", work)
                    .noneMatch(ProcessHandle::isAlive);
            assertThat(ports).as("ports still listening").noneMatch(StarterJvm::listening);
        }
    }
}
