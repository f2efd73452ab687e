package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.cli.ApiKeys;
import io.elasticmesh.cli.AuditEvents;
import io.elasticmesh.cli.Context;
import io.elasticmesh.cli.MeshCli;
import io.elasticmesh.local.LocalMesh;
import io.elasticmesh.proto.audit.v1.AuditServiceGrpc;
import io.grpc.ManagedChannel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code ./mesh reason | continue | tiers | audit} against the whole mesh (packaged services, real Triton with the
 * scripted model, Kafka, PostgreSQL), each command line parsed and run as the script runs it.
 */
class CliIT {

    private static final Pattern HELD = Pattern.compile("held for continuation: ./mesh continue (\\S+) --extra N");

    private record Run(int status, String out, String err) {}

    /** The command line with the environment ./mesh gives it, pointed at the shared mesh. */
    private static Run mesh(String... args) {
        LocalMesh mesh = SharedMesh.mesh();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Map<String, String> env = Map.of(
                "MESH_ROUTER",
                "127.0.0.1:" + mesh.routerPort(),
                "MESH_AUDIT",
                "127.0.0.1:" + mesh.auditPort(),
                "MESH_API_KEY",
                mesh.auditApiKey());
        int status = MeshCli.execute(
                new Context(new PrintWriter(out, true), new PrintWriter(err, true), env, Context::plaintext), args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void aCutRequestIsStreamedWithItsMarkThenContinuedThenFoundAndVerifiedInTheAuditTrail() throws Exception {
        String tenant = "cli-" + UUID.randomUUID();

        Run cut = mesh(
                "reason",
                "Solve it. [[script think=6 close=yes answer=3]]",
                "--tier",
                "scripted",
                "--thinking-budget",
                "4",
                "--tenant",
                tenant);

        assertThat(cut.status()).as(cut.err()).isZero();
        assertThat(cut.out())
                .startsWith("thinking  think1 think2 think3 think4 \n"
                        + "--- thinking cut by its budget at 4/4 tokens; the mesh closed it ---\n"
                        + "answer    answer1 answer2 answer3 \n"
                        + "request ")
                .contains("(tier scripted, model scripted): tokens prompt=")
                .contains(" thinking=4/4 forced_delimiters=1 answer=4/32");
        Matcher held = HELD.matcher(cut.out());
        assertThat(held.find()).as(cut.out()).isTrue();
        String requestId = held.group(1);

        Run more = mesh("continue", requestId, "--extra", "20", "--tenant", tenant);

        assertThat(more.status()).as(more.err()).isZero();
        assertThat(more.out())
                .startsWith("continues " + requestId + "\n"
                        + "thinking  think1 think2 think3 think4 think1 think2 think3 think4 think5 think6 \n"
                        + "--- thinking closed by the model after 7/20 tokens ---\n"
                        + "answer    answer1 answer2 answer3 \n")
                .endsWith("; not held for continuation (thinking was not cut)\n");

        ManagedChannel auditChannel =
                Context.plaintext("127.0.0.1:" + SharedMesh.mesh().auditPort());
        try {
            AuditEvents.await(
                    ApiKeys.attach(
                            AuditServiceGrpc.newBlockingStub(auditChannel),
                            SharedMesh.mesh().auditApiKey()),
                    requestId,
                    Duration.ofSeconds(60));
        } finally {
            auditChannel.shutdownNow();
        }
        Run list = mesh("audit", "list", "--tenant", tenant, "--cut-only", "--since", "1h");
        assertThat(list.status()).as(list.err()).isZero();
        assertThat(list.out()).contains(requestId).contains("1 event(s)");
        Run show = mesh("audit", "show", requestId);
        assertThat(show.out())
                .contains("cut          yes, at 4 tokens (TRUNCATION_REASON_TOKEN_BUDGET), forced " + "delimiters 1")
                .contains("tenant       " + tenant);
        Run verify = mesh("audit", "verify", "--tenant", tenant);
        assertThat(verify.status()).as(verify.err()).isZero();
        // The cut request and its continuation, which is always audited.
        assertThat(verify.out()).startsWith("chain of tenant '" + tenant + "' intact: 2 link(s) checked");
    }

    @Test
    void tiersListsTheShippedTiersAndTheFileInForce() {
        Run tiers = mesh("tiers");
        assertThat(tiers.status()).as(tiers.err()).isZero();
        assertThat(tiers.out())
                .startsWith("configuration sha256:")
                .contains("\nscripted      scripted     ")
                .contains("\nstandard      smollm2-135m ")
                .contains("\neconomy       smollm2-135m ");

        Run status = mesh("tiers", "status");
        assertThat(status.status()).as(status.err()).isZero();
        assertThat(status.out()).contains("tiers.yaml").contains("newest edit      in force\n");
    }

    @Test
    void aRefusalIsPrintedWithItsStatusAndExitsOne() {
        Run refused = mesh(
                "reason", "Solve it.", "--tier", "scripted", "--thinking-budget", "100000", "--tenant", "cli-refused");

        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).startsWith("mesh reason: OUT_OF_RANGE: ").contains("thinking_budget_tokens");
    }

    @Test
    void anUnknownRequestCannotBeContinued() {
        Run unknown = mesh("continue", "no-such-request", "--extra", "5", "--tenant", "cli-unknown");

        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).startsWith("mesh continue: NOT_FOUND: ");
    }
}
