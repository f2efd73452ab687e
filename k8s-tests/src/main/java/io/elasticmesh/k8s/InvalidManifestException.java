package io.elasticmesh.k8s;

/** A manifest the typed Kubernetes models reject; the message names the document, the object and the field. */
public final class InvalidManifestException extends RuntimeException {

    public InvalidManifestException(String message) {
        super(message);
    }

    public InvalidManifestException(String message, Throwable cause) {
        super(message, cause);
    }
}
