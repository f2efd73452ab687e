package io.elasticmesh.identity;

import io.grpc.Context;

/** Where {@link AuthenticationInterceptor} leaves the caller's principal for the handler. */
public final class Principals {

    public static final Context.Key<Principal> KEY = Context.key("io.elasticmesh.identity.principal");

    private Principals() {}

    /**
     * The principal of the gRPC call being handled. Read it where the handler starts: {@link Context} is
     * thread-bound, so a continuation on another thread (a later Mutiny stage) no longer sees it.
     *
     * @throws IllegalStateException outside an authenticated call
     */
    public static Principal current() {
        Principal principal = KEY.get();
        if (principal == null) {
            throw new IllegalStateException("no authenticated principal in the gRPC context: the call did not pass "
                    + "AuthenticationInterceptor, or this code runs outside the handler's thread");
        }
        return principal;
    }
}
