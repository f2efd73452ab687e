package io.elasticmesh.audit;

/**
 * One call of the compliance API as recorded; the principal's fields are empty when the call was not authenticated.
 *
 * @param peer the caller's network address as the server saw it
 * @param request the request as sent, readable (bounded); empty when it was never read
 * @param outcome {@code allowed}, or {@code refused: CODE: description} as the caller was answered
 */
public record QueryLogEntry(
        String principal,
        String principalTenant,
        String roles,
        String peer,
        String rpc,
        String request,
        String outcome) {}
