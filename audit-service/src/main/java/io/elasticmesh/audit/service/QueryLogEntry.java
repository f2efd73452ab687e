package io.elasticmesh.audit.service;

/**
 * One compliance query as recorded.
 *
 * @param request the request as sent, readable
 * @param outcome {@code allowed}, or why it was refused
 */
public record QueryLogEntry(String principal, String principalTenant, String roles, String rpc, String request,
        String outcome) {
}
