package io.elasticmesh.edge;

/**
 * The sizes every API field may have, as documented in the protos and the README; beyond them a request is refused
 * with INVALID_ARGUMENT naming the field and the limit. The whole request is bounded too: 4 MiB, gRPC's default
 * {@code max-inbound-message-size}, refused by grpc-java itself with RESOURCE_EXHAUSTED.
 */
public final class Limits {

    /** Names and ids: tier, tenant, model, request_id, trace_id. */
    public static final int NAME_CHARS = 128;
    /** Messages in one conversation. */
    public static final int MESSAGES = 256;
    /** One message's content. */
    public static final int CONTENT_CHARS = 262_144;
    /**
     * All of a conversation's contents together: what the front door admits must fit, rendered, in
     * {@link #TEXT_CHARS} (the template adds a few dozen characters a message), so that no later hop refuses it.
     */
    public static final int CONVERSATION_CHARS = 2_000_000;
    /** A rendered prompt or a thinking text passed between the services. */
    public static final int TEXT_CHARS = 2_097_152;

    private Limits() {}

    /** @throws InvalidArgument when {@code value} is longer than {@link #NAME_CHARS} */
    public static String name(String field, String value) {
        return InvalidArgument.requireMaxLength(field, value, NAME_CHARS);
    }
}
