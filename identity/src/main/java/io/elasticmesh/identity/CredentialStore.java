package io.elasticmesh.identity;

import java.util.Optional;
import javax.security.auth.x500.X500Principal;

/** Resolves presented credentials to the principal they identify; empty when they identify no one. */
public interface CredentialStore {

    Optional<Principal> findByApiKey(String apiKey);

    /** Subjects compare by their canonical form, so {@code CN=a, O=B} matches {@code cn=a,o=b}. */
    Optional<Principal> findByCertificateSubject(X500Principal subject);
}
