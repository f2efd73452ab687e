package io.elasticmesh.local;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** A fixed port something already holds (e.g. a mesh left running) is named before a component fails on it. */
class PortsTests {

    @Test
    void aPortSomethingListensOnIsRefusedWithItsNumberAndUseAndAFreeOneIsNot() throws Exception {
        try (ServerSocket held = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = held.getLocalPort();

            assertThatThrownBy(() -> Ports.requireFree(port, "budget-router gRPC"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + port + " (budget-router gRPC) is in use");
        }
        int free = Ports.free();
        assertThatCode(() -> Ports.requireFree(free, "budget-router gRPC")).doesNotThrowAnyException();
    }
}
