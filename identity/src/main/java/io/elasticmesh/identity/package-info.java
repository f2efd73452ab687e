/**
 * The mesh's tenant identity scheme, shared by every service.
 *
 * <p>A caller presents an API key in the {@code x-api-key} gRPC metadata, or (on a server with TLS client auth) a
 * client certificate; {@link io.elasticmesh.identity.AuthenticationInterceptor} resolves it through a
 * {@link io.elasticmesh.identity.CredentialStore} (usually a {@link io.elasticmesh.identity.YamlCredentialStore}) to a
 * {@link io.elasticmesh.identity.Principal} that handlers read with
 * {@link io.elasticmesh.identity.Principals#current()}, and check with
 * {@link io.elasticmesh.identity.Authorization}. Keys are stored as {@link io.elasticmesh.identity.HashKey} hashes.
 */
package io.elasticmesh.identity;
