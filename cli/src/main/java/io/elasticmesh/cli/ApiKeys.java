package io.elasticmesh.cli;

import io.elasticmesh.identity.AuthenticationInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

/** Client side of the identity scheme: a stub that sends an API key with every call. */
public final class ApiKeys {

    private ApiKeys() {}

    public static <S extends AbstractStub<S>> S attach(S stub, String apiKey) {
        Metadata headers = new Metadata();
        headers.put(AuthenticationInterceptor.API_KEY, apiKey);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
