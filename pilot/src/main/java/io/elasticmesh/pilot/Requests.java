package io.elasticmesh.pilot;

import io.elasticmesh.pilot.Item.Message;
import io.elasticmesh.proto.reasoning.v1.ChatMessage;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.Sampling;
import java.util.Locale;

/** The ReasonRequest a task sends. */
public final class Requests {

    private Requests() {}

    /**
     * The request for {@code task}. The baseline asks with clamp_budgets, so the router gives it the most the tier
     * and the model's context window allow; every other point asks for its budgets exactly (a point above the
     * tier's ceiling is refused, not silently lowered).
     */
    public static ReasonRequest of(Plan plan, Task task, String tenant) {
        ReasonRequest.Builder request = ReasonRequest.newBuilder()
                .setTenant(tenant)
                .setTier(task.tier())
                .setThinkingBudgetTokens(task.budget().thinkingTokens())
                .setSolutionBudgetTokens(task.budget().solutionTokens())
                .setClampBudgets(task.baseline());
        for (Message m : task.item().messages()) {
            request.addMessages(ChatMessage.newBuilder()
                    .setRole(ChatMessage.Role.valueOf("ROLE_" + m.role().toUpperCase(Locale.ROOT)))
                    .setContent(m.content()));
        }
        Sampling.Builder sampling = Sampling.newBuilder().setSeed((int) task.seed());
        if (plan.temperature() != null) {
            sampling.setTemperature(plan.temperature().floatValue());
        }
        if (plan.topP() != null) {
            sampling.setTopP(plan.topP().floatValue());
        }
        return request.setSampling(sampling).build();
    }
}
