package io.elasticmesh.cli;

import io.elasticmesh.pilot.MathVerify;
import io.elasticmesh.pilot.Pilot;
import io.elasticmesh.pilot.Report;
import io.elasticmesh.pilot.ResultLog;
import io.elasticmesh.pilot.Runner;
import io.elasticmesh.proto.reasoning.v1.BudgetRouterGrpc;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./mesh pilot PLAN}: what each budget buys, measured through the router (README "Pilot"). Resumable: the
 * results file is appended per answer, and a rerun with the same plan and --out sends only what is missing.
 */
@Command(
        name = "pilot",
        description = "Run a pilot plan through the router, then grade it and write report.json, report.html and "
                + "report.md. Ctrl-C stops after the calls in flight; the same command resumes.")
final class PilotCommand implements Callable<Integer> {

    private final Context context;

    @Mixin
    private RouterOptions router;

    @Mixin
    private TenantOption tenant;

    @Parameters(paramLabel = "PLAN", description = "the plan file (YAML), e.g. pilot/plans/smollm2-math.yaml")
    private Path planFile;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            description = "results and report (default: .mesh/pilot/<plan name> in the checkout)")
    private Path out;

    @Option(names = "--dry-run", description = "print the requests it would send and the estimated tokens and cost")
    private boolean dryRun;

    @Option(names = "--report-only", description = "send nothing: grade and report what the results file holds")
    private boolean reportOnly;

    /** Counted down when call() has said all it says: a Ctrl-C's shutdown hook waits for it. */
    private final CountDownLatch finished = new CountDownLatch(1);

    PilotCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        try {
            return pilot();
        } finally {
            finished.countDown();
        }
    }

    private Integer pilot() throws Exception {
        Pilot pilot;
        try {
            pilot = Pilot.load(planFile);
        } catch (IllegalArgumentException e) {
            context.err().println("pilot: " + e.getMessage());
            return 2;
        }
        String tenantName = tenant.tenant(router);
        if (dryRun) {
            pilot.dryRun(tenantName, context.out());
            return 0;
        }
        Path dir = out != null
                ? out
                : root().resolve(".mesh").resolve("pilot").resolve(pilot.plan().name());
        try (ResultLog log = pilot.results(dir)) {
            if (!reportOnly) {
                Runner.Result result = send(pilot, tenantName, log);
                context.err()
                        .printf(
                                "pilot: %d answers now, %d from earlier runs, %d of %d in %s%n",
                                result.sent(),
                                result.resumed(),
                                result.sent() + result.resumed(),
                                result.total(),
                                dir.resolve("results.jsonl"));
                if (!result.complete()) {
                    if (result.retry() > 0) {
                        context.err()
                                .printf(
                                        "pilot: %d calls failed and will be asked again (last: %s)%n",
                                        result.retry(), result.lastRetry());
                    }
                    context.err()
                            .println("pilot: stopped before the end; resume with: ./mesh pilot " + planFile + " --out "
                                    + dir);
                    return 1;
                }
            }
            Report report = pilot.report(log, MathVerify.of(context.env(), root()));
            Path html = report.write(dir);
            context.out().print(report.markdown());
            context.out().println();
            context.out().println("report: " + html + " (also report.json, report.md)");
            return 0;
        }
    }

    /** Runs the plan; Ctrl-C (SIGINT/SIGTERM) lets the calls in flight end and keeps their answers. */
    private Runner.Result send(Pilot pilot, String tenantName, ResultLog log) throws Exception {
        try (Connection connection = router.connect()) {
            Runner runner = pilot.runner(
                    tenantName,
                    request ->
                            connection.stub(BudgetRouterGrpc::newBlockingStub).reason(request),
                    context.err());
            Thread hook = new Thread(
                    () -> {
                        runner.stop();
                        try {
                            finished.await(router.timeout().toMillis() + 10_000, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "pilot-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                return pilot.run(runner, log);
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // Ctrl-C: the hook runs and waits until call() has said how to resume
                }
            }
        }
    }

    private Path root() {
        String root = context.setting("MESH_ROOT");
        return (root == null ? Path.of("") : Path.of(root)).toAbsolutePath();
    }
}
