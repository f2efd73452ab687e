package io.elasticmesh.inference.triton;

/** Triton accepted the call but the model failed the request; the message is Triton's. */
public class TritonModelException extends RuntimeException {

    public TritonModelException(String message) {
        super(message);
    }
}
