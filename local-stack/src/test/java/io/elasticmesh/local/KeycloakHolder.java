package io.elasticmesh.local;

import java.nio.file.Path;

/**
 * A JVM that starts Keycloak, says so on stdout ({@code READY port}) and waits to be killed: what
 * {@link KeycloakProcessTests} kills with -9. Arguments: work directory, log file.
 */
public final class KeycloakHolder {

    private KeycloakHolder() {}

    public static void main(String[] args) throws InterruptedException {
        KeycloakProcess keycloak = KeycloakProcess.start(Path.of(args[0]), Path.of(args[1]), 0);
        System.out.println("READY " + keycloak.port());
        System.out.flush();
        // Killed long before; the bound keeps a holder the test lost from living on.
        Thread.sleep(600_000);
        keycloak.close();
    }
}
