package io.elasticmesh.auditchain;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.proto.audit.v1.AuditEvent;
import io.elasticmesh.proto.audit.v1.ReviewVerdict;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ExportVerifierTests {

    /** A tenant's chain of {@code events} events (thinking texts with quotes, commas and line breaks) and a verdict. */
    private static List<ExportRow> chain(int events) {
        List<ExportRow> rows = new ArrayList<>();
        String prev = LinkHash.GENESIS;
        for (int i = 1; i <= events; i++) {
            byte[] payload = AuditEvent.newBuilder()
                    .setEventId("e" + i)
                    .setTenant("acme")
                    // Each event after the first is a continuation ("think more") of the one before.
                    .setContinuedRequestId(i == 1 ? "" : "r" + (i - 1))
                    .setResponse(ReasonResponse.newBuilder()
                            .setRequestId("r" + i)
                            .setThinkingText("step \"" + i + "\",\nthen <script>x</script>"))
                    .build()
                    .toByteArray();
            String hash = LinkHash.of(prev, payload);
            rows.add(new ExportRow(ExportRow.Kind.EVENT, "acme", i, prev, hash, payload));
            prev = hash;
        }
        byte[] verdict = ReviewVerdict.newBuilder()
                .setEventId("e1")
                .setVerdict("acceptable")
                .setComment("fine, \"really\"")
                .build()
                .toByteArray();
        rows.add(new ExportRow(
                ExportRow.Kind.VERDICT, "acme", 1, LinkHash.GENESIS, LinkHash.of(LinkHash.GENESIS, verdict), verdict));
        return rows;
    }

    private static String jsonl(List<ExportRow> rows) {
        return String.join("\n", rows.stream().map(ExportLines::json).toList()) + "\n";
    }

    private static String csv(List<ExportRow> rows) {
        List<String> lines = new ArrayList<>(List.of(ExportLines.csvHeader()));
        rows.stream().map(ExportLines::csv).forEach(lines::add);
        return String.join("\n", lines) + "\n";
    }

    private static ExportVerifier.Report verify(String export) {
        return ExportVerifier.verify(ExportLines.read(new StringReader(export)));
    }

    @Property(tries = 20)
    void anUntouchedExportHoldsInEitherFormat(@ForAll @IntRange(min = 1, max = 6) int events) {
        for (Function<List<ExportRow>, String> format :
                List.<Function<List<ExportRow>, String>>of(ExportVerifierTests::jsonl, ExportVerifierTests::csv)) {
            ExportVerifier.Report report = verify(format.apply(chain(events)));
            assertThat(report.problem()).isEmpty();
            assertThat(report.links()).isEqualTo(events + 1);
            assertThat(report.gaps()).isEmpty();
        }
    }

    @Property(tries = 20)
    void anyTextChangedInAnyLineIsReported(
            @ForAll @IntRange(min = 1, max = 6) int events, @ForAll @IntRange(min = 0, max = 6) int which) {
        List<ExportRow> rows = chain(events);
        int index = which % rows.size();
        List<String> lines =
                new ArrayList<>(rows.stream().map(ExportLines::json).toList());
        String column = rows.get(index).kind() == ExportRow.Kind.EVENT ? "thinking_text" : "comment";
        lines.set(index, lines.get(index).replaceFirst("\"" + column + "\":\"", "\"" + column + "\":\"forged "));

        ExportVerifier.Report report = verify(String.join("\n", lines));

        assertThat(report.problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("line " + (index + 1) + ": its column " + column));
    }

    @Test
    void aContinuationsLinkToTheRequestItContinuedIsChecked() {
        List<String> lines =
                new ArrayList<>(chain(2).stream().map(ExportLines::json).toList());
        lines.set(1, lines.get(1).replace("\"continued_request_id\":\"r1\"", "\"continued_request_id\":\"\""));

        assertThat(verify(String.join("\n", lines)).problem())
                .hasValueSatisfying(
                        p -> assertThat(p).startsWith("line 2: its column continued_request_id does not match"));
    }

    @Test
    void anExportWrittenBeforeAColumnWasAddedStillHolds() {
        List<String> lines = chain(2).stream()
                .map(ExportLines::json)
                .map(line -> line.replaceFirst("\"continued_request_id\":\"[^\"]*\",", ""))
                .toList();
        assertThat(lines.get(1)).doesNotContain("continued_request_id");

        assertThat(verify(String.join("\n", lines)).problem()).isEmpty();
    }

    @Test
    void aLineRehashedAfterItsPayloadChangedBreaksTheNextLink() {
        List<ExportRow> rows = chain(3);
        byte[] forged = AuditEvent.newBuilder().setEventId("forged").build().toByteArray();
        ExportRow second = rows.get(1);
        rows.set(
                1,
                new ExportRow(
                        second.kind(),
                        second.tenant(),
                        2,
                        second.prevHash(),
                        LinkHash.of(second.prevHash(), forged),
                        forged));

        assertThat(verify(jsonl(rows)).problem())
                .hasValueSatisfying(p ->
                        assertThat(p).startsWith("line 3: its previous hash is not the hash of event acme link 2"));
    }

    @Test
    void aPayloadChangedWithoutItsHashIsReported() {
        List<ExportRow> rows = chain(2);
        ExportRow first = rows.get(0);
        byte[] forged = AuditEvent.newBuilder().setEventId("forged").build().toByteArray();
        rows.set(0, new ExportRow(first.kind(), first.tenant(), 1, first.prevHash(), first.hash(), forged));

        assertThat(verify(csv(rows)).problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("line 1: its hash does not match"));
    }

    @Test
    void linksLeftOutByAFilterAreGapsNotBreaks() {
        List<ExportRow> rows = chain(5);
        rows.remove(2);
        rows.remove(1);

        ExportVerifier.Report report = verify(jsonl(rows));

        assertThat(report.problem()).isEmpty();
        assertThat(report.gaps()).containsExactly("event acme 2..3");
    }

    @Test
    void aLineThatIsNoExportLineIsNamed() {
        assertThat(ExportVerifier.verify(List.of(Map.of("kind", "event"))).problem())
                .hasValueSatisfying(p -> assertThat(p).startsWith("line 1: not an export line: it has no column"));
    }
}
