package io.elasticmesh.audit.console;

import io.elasticmesh.audit.ReviewPage;
import io.elasticmesh.audit.ReviewState;
import io.elasticmesh.audit.config.AuditConfig;
import io.elasticmesh.audit.mapping.AuditEventMapper;
import io.elasticmesh.audit.mapping.PageToken;
import io.elasticmesh.audit.mapping.ReviewMapper;
import io.elasticmesh.audit.service.AuditAccess;
import io.elasticmesh.audit.service.ReviewAccess;
import io.elasticmesh.audit.service.Reviews;
import io.elasticmesh.auditchain.ExportLines;
import io.elasticmesh.edge.InvalidArgument;
import io.elasticmesh.edge.Limits;
import io.elasticmesh.identity.Principal;
import io.elasticmesh.proto.audit.v1.ListReviewQueueRequest;
import io.elasticmesh.proto.reasoning.v1.TruncationReason;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.core.UriBuilder;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The review console's pages: the queue, an item, claiming it and recording a verdict, and exports. Every action goes
 * through {@link Reviews}, the service layer of the gRPC API, as the signed-in person ({@link SignedIn}); every
 * view is recorded in the query log by {@link ConsoleQueryLog}. Forms are posted with a CSRF token (quarkus-rest-csrf
 * refuses one without it).
 */
@Path("/console")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance queue(Views.Queue view);

        static native TemplateInstance item(Views.Item view);

        static native TemplateInstance error(int status, String message);

        static native TemplateInstance continuation(Views.Continuation view);

        static native TemplateInstance overview(Views.Overview view);
    }

    private final Reviews reviews;
    private final SecurityIdentity identity;
    private final AuditConfig config;

    ConsoleResource(Reviews reviews, SecurityIdentity identity, AuditConfig config) {
        this.reviews = reviews;
        this.identity = identity;
        this.config = config;
    }

    @GET
    public Response home() {
        return Response.seeOther(UriBuilder.fromPath("/console/queue").build()).build();
    }

    @GET
    @Path("queue")
    public TemplateInstance queue(
            @QueryParam("tenant") @DefaultValue("") String tenant,
            @QueryParam("tier") @DefaultValue("") String tier,
            @QueryParam("model") @DefaultValue("") String model,
            @QueryParam("reason") @DefaultValue("") String reason,
            @QueryParam("from") @DefaultValue("") String from,
            @QueryParam("to") @DefaultValue("") String to,
            @QueryParam("state") @DefaultValue("") String state,
            @QueryParam("order") @DefaultValue("newest") String order,
            @QueryParam("required") @DefaultValue("false") boolean required,
            @QueryParam("page") @DefaultValue("") String page) {
        Principal caller = SignedIn.principal(identity);
        ListReviewQueueRequest.Builder request = ListReviewQueueRequest.newBuilder()
                .setTenant(tenant)
                .setTier(tier)
                .setModel(model)
                .setRequiredOnly(required)
                .setOldestFirst(
                        switch (order) {
                            case "newest" -> false;
                            case "oldest" -> true;
                            default ->
                                throw new InvalidArgument("order", "must be newest or oldest, was '" + order + "'");
                        })
                .setPageToken(page)
                .setPageSize(config.console().pageSize());
        if (!reason.isEmpty()) {
            request.setTruncationReason(enumValue("reason", TruncationReason.class, "TRUNCATION_REASON_", reason));
        }
        if (!state.isEmpty()) {
            request.setState(ReviewMapper.toProto(enumValue("state", ReviewState.class, "", state)));
        }
        time("from", from).ifPresent(t -> request.setOccurredFrom(AuditEventMapper.toTimestamp(t)));
        time("to", to).ifPresent(t -> request.setOccurredTo(AuditEventMapper.toTimestamp(t)));
        ReviewMapper.QueueQuery query =
                ReviewMapper.toQuery(request.build(), config.console().pageSize());
        ReviewPage found = reviews.queue(caller, query.filter(), query.afterSeq(), query.pageSize());
        String filterQuery = UriBuilder.fromPath("")
                .queryParam("tenant", tenant)
                .queryParam("tier", tier)
                .queryParam("model", model)
                .queryParam("reason", reason)
                .queryParam("from", from)
                .queryParam("to", to)
                .queryParam("state", state)
                .queryParam("order", order)
                .queryParam("required", required)
                .build()
                .getRawQuery();
        return Templates.queue(new Views.Queue(
                person(caller),
                new Views.Filters(tenant, tier, model, reason, from, to, state, order, required, filterQuery),
                found.items().stream().map(Views::row).toList(),
                found.counts(),
                found.nextSeq().isPresent() ? PageToken.encode(found.nextSeq().getAsLong(), query.filter()) : "",
                names(TruncationReason.values(), "TRUNCATION_REASON_"),
                names(ReviewState.values(), "")));
    }

    /** Cut counts per tier and day, the review backlog and its age, verdicts per tier. */
    @GET
    @Path("overview")
    public TemplateInstance overview(@QueryParam("tenant") @DefaultValue("") String tenant) {
        Principal caller = SignedIn.principal(identity);
        Limits.name("tenant", tenant);
        return Templates.overview(
                Views.overview(person(caller), tenant, reviews.overview(caller, tenant), java.time.Instant.now()));
    }

    @GET
    @Path("items/{requestId}")
    public TemplateInstance item(@PathParam("requestId") String requestId) {
        Principal caller = SignedIn.principal(identity);
        requestId(requestId);
        return Templates.item(Views.item(
                person(caller),
                reviews.event(caller, requestId),
                reviews.history(caller, requestId),
                reviews.rubric(),
                config.console().traceViewerUrl()));
    }

    @POST
    @Path("items/{requestId}/claim")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response claim(@PathParam("requestId") String requestId) {
        reviews.claim(SignedIn.principal(identity), requestId(requestId));
        return backTo(requestId);
    }

    @POST
    @Path("items/{requestId}/verdict")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response verdict(
            @PathParam("requestId") String requestId,
            @FormParam("verdict") @DefaultValue("") String verdict,
            @FormParam("comment") @DefaultValue("") String comment) {
        reviews.record(SignedIn.principal(identity), requestId(requestId), verdict, comment);
        return backTo(requestId);
    }

    /** "Think more": the router continues the request; the earlier and the new thinking and answer side by side. */
    @POST
    @Path("items/{requestId}/think-more")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public TemplateInstance thinkMore(
            @PathParam("requestId") String requestId, @FormParam("extra") @DefaultValue("0") int extra) {
        Principal caller = SignedIn.principal(identity);
        requestId(requestId);
        var earlier = reviews.event(caller, requestId);
        var reply = reviews.thinkMore(caller, requestId, extra);
        return Templates.continuation(Views.continuation(person(caller), earlier, reply, extra));
    }

    /**
     * The queue's filters (every state, oldest first) as an export, in the format {@code ./mesh audit verify-export}
     * checks: the same rows and lines as the gRPC export (audit-chain's {@link ExportLines}).
     */
    @GET
    @Path("export")
    public Response export(
            @QueryParam("format") @DefaultValue("jsonl") String format,
            @QueryParam("tenant") @DefaultValue("") String tenant,
            @QueryParam("tier") @DefaultValue("") String tier,
            @QueryParam("model") @DefaultValue("") String model) {
        Principal caller = SignedIn.principal(identity);
        boolean csv = switch (format) {
            case "jsonl" -> false;
            case "csv" -> true;
            default -> throw new InvalidArgument("format", "must be jsonl or csv, was '" + format + "'");
        };
        Limits.name("tenant", tenant);
        Limits.name("tier", tier);
        Limits.name("model", model);
        var filter = ReviewMapper.toFilter(io.elasticmesh.proto.audit.v1.ExportAuditEventsRequest.newBuilder()
                .setTenant(tenant)
                .setTier(tier)
                .setModel(model)
                .build());
        // Refused before the first byte is sent, so a refusal is an error page and not a broken download.
        AuditAccess.requireAuditRole(caller);
        StreamingOutput body = out -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            if (csv) {
                writer.write(ExportLines.csvHeader());
                writer.write('\n');
            }
            reviews.export(caller, filter, row -> {
                try {
                    writer.write(csv ? ExportLines.csv(row) : ExportLines.json(row));
                    writer.write('\n');
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            writer.flush();
        };
        return Response.ok(body, csv ? "text/csv" : "application/x-ndjson")
                .header("Content-Disposition", "attachment; filename=\"audit-export." + format + "\"")
                .build();
    }

    private static Response backTo(String requestId) {
        return Response.seeOther(UriBuilder.fromPath("/console/items/{id}").build(requestId))
                .build();
    }

    private static Views.Person person(Principal caller) {
        boolean mayJudge = caller.hasRole(AuditAccess.COMPLIANCE) || caller.hasRole(ReviewAccess.REVIEWER);
        return new Views.Person(
                caller.name(),
                caller.tenant(),
                String.join(", ", caller.roles()),
                mayJudge,
                caller.hasRole(AuditAccess.COMPLIANCE) || caller.hasRole(AuditAccess.AUDITOR));
    }

    private static String requestId(String requestId) {
        Limits.name("request_id", requestId);
        return requestId;
    }

    private static <E extends Enum<E>> E enumValue(String field, Class<E> type, String prefix, String name) {
        try {
            E value = Enum.valueOf(type, prefix + name);
            if (!names(type.getEnumConstants(), prefix).contains(name)) {
                throw new IllegalArgumentException(name);
            }
            return value;
        } catch (IllegalArgumentException e) {
            throw new InvalidArgument(
                    field,
                    "must be one of " + names(type.getEnumConstants(), prefix) + ", was '"
                            + io.elasticmesh.edge.Echo.bounded(name) + "'");
        }
    }

    /** The values a person may pick: not the unset and unknown values protobuf adds. */
    private static List<String> names(Enum<?>[] values, String prefix) {
        return Arrays.stream(values)
                .map(Enum::name)
                .filter(n -> !n.endsWith("UNSPECIFIED") && !n.equals("UNRECOGNIZED"))
                .map(n -> n.substring(prefix.length()))
                .toList();
    }

    /** A browser's date-time field (no zone), read as UTC. */
    private static Optional<java.time.Instant> time(String field, String value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.parse(value).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            throw new InvalidArgument(
                    field,
                    "must be a date and time such as 2026-12-03T05:30 (UTC), was '"
                            + io.elasticmesh.edge.Echo.bounded(value) + "'");
        }
    }
}
