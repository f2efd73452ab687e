package io.elasticmesh.cli;

import io.elasticmesh.proto.reasoning.v1.GetConfigStatusRequest;
import io.elasticmesh.proto.reasoning.v1.GetConfigStatusResponse;
import io.elasticmesh.proto.reasoning.v1.ListTiersRequest;
import io.elasticmesh.proto.reasoning.v1.ListTiersResponse;
import io.elasticmesh.proto.reasoning.v1.RouterAdminGrpc;
import io.elasticmesh.proto.reasoning.v1.TierInfo;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ./mesh tiers [status]}: RouterAdmin.ListTiers and GetConfigStatus (the admin role, when the router
 * authenticates).
 */
@Command(name = "tiers", description = "The SLA tiers in force, with what runs and waits on each now.")
final class TiersCommand implements Callable<Integer> {

    private final Context context;

    @Mixin
    private RouterOptions router;

    TiersCommand(Context context) {
        this.context = context;
    }

    @Override
    public Integer call() throws InterruptedException {
        ListTiersResponse tiers;
        try (Connection connection = router.connect()) {
            tiers = connection.stub(RouterAdminGrpc::newBlockingStub).listTiers(ListTiersRequest.getDefaultInstance());
        }
        PrintWriter out = context.out();
        out.printf("configuration %s%n", tiers.getConfigVersion());
        out.printf(
                "%-12s  %-14s  %8s  %8s  %8s  %10s  %8s  %9s  %9s  %s%n",
                "tier",
                "model",
                "thinking",
                "ceiling",
                "solution",
                "deadline",
                "priority",
                "in flight",
                "queued",
                "rollover");
        for (TierInfo t : tiers.getTiersList()) {
            out.printf(
                    "%-12s  %-14s  %8d  %8d  %8d  %7d ms  %8d  %4d/%-4d  %4d/%-4d  %s%n",
                    t.getName(),
                    t.getModel(),
                    t.getThinkingBudgetTokens(),
                    t.getThinkingBudgetCeilingTokens(),
                    t.getSolutionBudgetTokens(),
                    t.getDeadlineMs(),
                    t.getPriority(),
                    t.getInFlightRequests(),
                    t.getMaxConcurrentRequests(),
                    t.getQueuedRequests(),
                    t.getQueueLimit(),
                    t.getRolloverUnusedThinking() ? "yes" : "no");
        }
        return 0;
    }

    @Command(
            name = "status",
            description =
                    "The tier file, the configuration version in force and whether the " + "newest edit was refused.")
    int status() throws InterruptedException {
        GetConfigStatusResponse status;
        try (Connection connection = router.connect()) {
            status = connection
                    .stub(RouterAdminGrpc::newBlockingStub)
                    .getConfigStatus(GetConfigStatusRequest.getDefaultInstance());
        }
        PrintWriter out = context.out();
        out.printf("tiers file       %s%n", status.getTiersFile());
        out.printf(
                "in force         %s, loaded %s%n", status.getConfigVersion(), Timestamps.show(status.getLoadedAt()));
        out.printf(
                "newest edit      %s%n",
                status.getLastError().isEmpty()
                        ? "in force"
                        : "refused " + Timestamps.show(status.getLastErrorAt()) + ": " + status.getLastError());
        out.printf("refused edits    %d since the router started%n", status.getReloadFailures());
        return status.getLastError().isEmpty() ? 0 : 1;
    }
}
