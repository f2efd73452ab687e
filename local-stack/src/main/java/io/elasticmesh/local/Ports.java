package io.elasticmesh.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Free loopback ports for components started side by side. */
final class Ports {

    private Ports() {}

    static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails, naming {@code what} and how to find the holder, when something already listens on {@code port}: a
     * component would otherwise fail to start with its reason only in its own log.
     */
    static void requireFree(int port, String what) {
        try (ServerSocket free = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            // Bound, so nothing listens there; closed again at once.
        } catch (IOException e) {
            throw new IllegalStateException("port " + port + " (" + what + ") is in use: a mesh still running (./mesh "
                    + "down stops it) or another program; ss -ltnp 'sport = :" + port + "' names it");
        }
    }
}
