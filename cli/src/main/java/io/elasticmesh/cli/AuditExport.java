package io.elasticmesh.cli;

import io.elasticmesh.auditchain.ExportLines;
import io.elasticmesh.auditchain.ExportVerifier;
import io.elasticmesh.proto.audit.v1.ExportAuditEventsRequest;
import io.elasticmesh.proto.audit.v1.ExportAuditEventsResponse;
import io.elasticmesh.proto.audit.v1.ExportFormat;
import io.elasticmesh.proto.audit.v1.ReviewServiceGrpc;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ./mesh audit export} (ReviewService.ExportAuditEvents to a file) and {@code ./mesh audit verify-export FILE},
 * which recomputes an export's chains from its own hashes, without the database or any key.
 */
final class AuditExport {

    private AuditExport() {}

    @Command(name = "export", description = "Events and their verdicts, with their chain hashes, as JSONL or CSV.")
    static final class Export implements Callable<Integer> {

        @ParentCommand
        private AuditCommand audit;

        @Mixin
        private AuditFilterOptions filter;

        @Option(
                names = "--format",
                paramLabel = "jsonl|csv",
                defaultValue = "jsonl",
                description = "(default: ${DEFAULT-VALUE})")
        private String format;

        @Option(names = "--out", paramLabel = "FILE", description = "write here (default: standard output)")
        private Path file;

        @Option(names = "--required-only", description = "only items the tier's review rule sent to a person")
        private boolean requiredOnly;

        @Spec
        private CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException, IOException {
            ExportAuditEventsRequest.Builder request = ExportAuditEventsRequest.newBuilder()
                    .setCutOnly(filter.cutOnly)
                    .setRequiredOnly(requiredOnly)
                    .setFormat(
                            switch (format) {
                                case "jsonl" -> ExportFormat.EXPORT_FORMAT_JSONL;
                                case "csv" -> ExportFormat.EXPORT_FORMAT_CSV;
                                default ->
                                    throw new ParameterException(
                                            spec.commandLine(), "--format takes jsonl or csv, was '" + format + "'");
                            });
            filter.apply(
                    request::setTenant,
                    request::setTier,
                    request::setModel,
                    request::setOccurredFrom,
                    request::setOccurredTo);
            long lines = 0;
            try (Connection connection = audit.options.connect();
                    Writer out = file == null
                            ? new NonClosing(audit.context.out())
                            : Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                Iterator<ExportAuditEventsResponse> stream =
                        connection.stub(ReviewServiceGrpc::newBlockingStub).exportAuditEvents(request.build());
                while (stream.hasNext()) {
                    out.write(stream.next().getLine());
                    out.write('\n');
                    lines++;
                }
            }
            if (file != null) {
                audit.context.out().printf("%d line(s) written to %s%n", lines, file);
            }
            return 0;
        }
    }

    /** Standard output stays open after an export to it. */
    private static final class NonClosing extends Writer {

        private final PrintWriter out;

        NonClosing(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void write(char[] buffer, int offset, int length) {
            out.write(buffer, offset, length);
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    @Command(
            name = "verify-export",
            description = "Recompute an export's hash chains offline; exit 1 and the first line that does not hold "
                    + "when it is broken.")
    static final class VerifyExport implements Callable<Integer> {

        @ParentCommand
        private AuditCommand audit;

        @Spec
        private CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "an export (JSONL or CSV) of ./mesh audit export")
        private Path file;

        @Override
        public Integer call() {
            ExportVerifier.Report report;
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                report = ExportVerifier.verify(ExportLines.read(in));
            } catch (IOException | UncheckedIOException e) {
                throw new ParameterException(spec.commandLine(), "cannot read " + file + ": " + e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), file + " is not an export: " + e.getMessage());
            }
            PrintWriter out = audit.context.out();
            if (!report.intact()) {
                out.printf(
                        "export %s BROKEN: %s (%d line(s) before it hold)%n",
                        file, report.problem().get(), report.links());
                return 1;
            }
            out.printf("export %s intact: %d link(s) verified%n", file, report.links());
            if (!report.gaps().isEmpty()) {
                out.printf(
                        "links not in the export (left out by its filters; not verified across): %s%n",
                        String.join(", ", report.gaps()));
            }
            return 0;
        }
    }
}
