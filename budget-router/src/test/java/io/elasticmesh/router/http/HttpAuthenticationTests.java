package io.elasticmesh.router.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.router.grpc.AuthenticationTests;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The HTTP door with a principals file: Bearer keys are the x-api-key principals (downstream services absent). */
@QuarkusTest
@TestProfile(AuthenticationTests.WithPrincipals.class)
class HttpAuthenticationTests {

    private static final String GOLD = "{\"model\":\"gold\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private static final String SILVER = GOLD.replace("gold", "silver");

    private static Map<String, String> bearer(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }

    @Test
    void aMissingOrUnknownKeyIsUnauthenticated() {
        HttpCalls.Reply missing = HttpCalls.post("/v1/chat/completions", GOLD, Map.of());
        HttpCalls.Reply unknown = HttpCalls.post("/v1/chat/completions", GOLD, bearer("no-such-key"));

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.errorMessage()).isEqualTo("missing Authorization: Bearer <api key> header");
        assertThat(missing.json().path("error").path("type").asText()).isEqualTo("authentication_error");
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.errorMessage()).isEqualTo("unknown API key");
    }

    @Test
    void aTierTheTenantMayNotUseIsForbidden() {
        HttpCalls.Reply http = HttpCalls.post("/v1/chat/completions", SILVER, bearer("acme-client-key"));

        assertThat(http.status()).isEqualTo(403);
        assertThat(http.errorMessage()).isEqualTo("tenant 'acme' may not use tier 'silver'; its tiers: [gold]");
    }

    @Test
    void aKnownKeyPassesToTheTiersOfItsTenant() {
        // Past authentication and admission the request reaches the (absent) decoder; x-api-key works as well.
        HttpCalls.Reply bearer = HttpCalls.post("/v1/chat/completions", GOLD, bearer("acme-client-key"));
        HttpCalls.Reply apiKey = HttpCalls.post("/v1/chat/completions", GOLD, Map.of("x-api-key", "acme-client-key"));

        assertThat(bearer.status()).isEqualTo(503);
        assertThat(apiKey.status()).isEqualTo(503);
    }

    @Test
    void modelsListsOnlyTheTiersOfTheCallersTenant() {
        HttpCalls.Reply acme = HttpCalls.get("/v1/models", bearer("acme-client-key"));
        HttpCalls.Reply ghost = HttpCalls.get("/v1/models", bearer("ghost-key"));
        HttpCalls.Reply nobody = HttpCalls.get("/v1/models", Map.of());

        assertThat(acme.json().path("data").findValuesAsText("id")).containsExactly("gold");
        assertThat(ghost.status()).isEqualTo(200);
        assertThat(ghost.json().path("data")).isEmpty();
        assertThat(nobody.status()).isEqualTo(401);
    }
}
