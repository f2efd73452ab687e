package io.elasticmesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.auditchain.ExportLines;
import io.elasticmesh.auditchain.ExportRow;
import io.elasticmesh.auditchain.LinkHash;
import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.ExportAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.ExportAuditEventsResponse;
import io.elasticmesh.proto.audit.v1.ExportFormat;
import io.elasticmesh.proto.audit.v1.ReviewServiceGrpc;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./mesh audit export} against an in-process fake serving a real chain, and {@code verify-export} offline. */
class AuditExportTests {

    private final List<ExportAuditEventsRequest> asked = new CopyOnWriteArrayList<>();
    private final FakeMesh mesh;

    @TempDir
    Path dir;

    AuditExportTests() throws Exception {
        mesh = new FakeMesh(new ReviewServiceGrpc.ReviewServiceImplBase() {
            @Override
            public void exportAuditEvents(
                    ExportAuditEventsRequest request, StreamObserver<ExportAuditEventsResponse> reply) {
                asked.add(request);
                boolean csv = request.getFormat() == ExportFormat.EXPORT_FORMAT_CSV;
                if (csv) {
                    reply.onNext(line(ExportLines.csvHeader()));
                }
                String prev = LinkHash.GENESIS;
                for (int i = 1; i <= 3; i++) {
                    byte[] payload = AuditEvent.newBuilder()
                            .setEventId("e-" + i)
                            .setTenant("acme")
                            .setResponse(ReasonResponse.newBuilder()
                                    .setRequestId("r-" + i)
                                    .setThinkingText("step " + i + ",\n\"then\""))
                            .build()
                            .toByteArray();
                    String hash = LinkHash.of(prev, payload);
                    ExportRow row = new ExportRow(ExportRow.Kind.EVENT, "acme", i, prev, hash, payload);
                    reply.onNext(line(csv ? ExportLines.csv(row) : ExportLines.json(row)));
                    prev = hash;
                }
                reply.onCompleted();
            }
        });
    }

    private static ExportAuditEventsResponse line(String line) {
        return ExportAuditEventsResponse.newBuilder().setLine(line).build();
    }

    @Test
    void anExportWrittenToAFileVerifiesOfflineAndATamperedOneDoesNot() throws Exception {
        for (String format : List.of("jsonl", "csv")) {
            Path file = dir.resolve("export." + format);
            List<String> args = new ArrayList<>(
                    List.of("audit", "export", "--tenant", "acme", "--tier", "standard", "--format", format, "--out"));
            args.add(file.toString());
            if (format.equals("csv")) {
                args.add("--required-only");
            }
            FakeMesh.Result exported = mesh.run(args.toArray(String[]::new));
            assertThat(exported.status()).as(exported.err()).isZero();
            // CSV has its header line first.
            assertThat(exported.out()).isEqualTo((format.equals("csv") ? 4 : 3) + " line(s) written to " + file + "\n");

            FakeMesh.Result verified = mesh.run("audit", "verify-export", file.toString());
            assertThat(verified.status()).as(verified.err()).isZero();
            assertThat(verified.out()).isEqualTo("export " + file + " intact: 3 link(s) verified\n");

            Files.writeString(file, Files.readString(file).replace("step 2", "step 7"));
            FakeMesh.Result broken = mesh.run("audit", "verify-export", file.toString());
            assertThat(broken.status()).isEqualTo(1);
            assertThat(broken.out())
                    .isEqualTo("export " + file + " BROKEN: line 2: its column thinking_text does not match its "
                            + "payload: the line was altered (1 line(s) before it hold)\n");
        }
        assertThat(asked)
                .extracting(ExportAuditEventsRequest::getFormat)
                .containsExactly(ExportFormat.EXPORT_FORMAT_JSONL, ExportFormat.EXPORT_FORMAT_CSV);
        assertThat(asked.get(0).getTenant()).isEqualTo("acme");
        assertThat(asked.get(0).getTier()).isEqualTo("standard");
        assertThat(asked).extracting(ExportAuditEventsRequest::getRequiredOnly).containsExactly(false, true);
        assertThat(mesh.calls).allSatisfy(call -> assertThat(call.deadline()).isNotNull());
    }

    @Test
    void aFileThatIsNoExportIsAUsageErrorNamingIt() throws Exception {
        Path file = dir.resolve("notes.jsonl");
        Files.writeString(file, "{\"not\": [1]}\n");

        FakeMesh.Result result = mesh.run("audit", "verify-export", file.toString());

        assertThat(result.status()).isEqualTo(2);
        assertThat(result.err()).contains(file + " is not an export: line 1 is not a JSON object of strings");
    }
}
