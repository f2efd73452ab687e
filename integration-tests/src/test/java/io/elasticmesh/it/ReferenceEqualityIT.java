package io.elasticmesh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.elasticmesh.conversation.mapping.ChatMessages;
import io.elasticmesh.inference.profile.ModelProfile;
import io.elasticmesh.inference.profile.ModelProfiles;
import io.elasticmesh.local.ElasticReasoningReference;
import io.elasticmesh.proto.reasoning.v1.ReasonRequest;
import io.elasticmesh.proto.reasoning.v1.ReasonResponse;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * With greedy decoding the mesh gives exactly what the paper's procedure gives when run by hand against the same
 * Triton model ({@link ElasticReasoningReference}): the same thinking, answer and token counts, for budgets below
 * the first sentence, around the natural thinking length and above it.
 */
class ReferenceEqualityIT {

    private static final ModelProfiles PROFILES = ModelProfiles.load(Optional.empty());

    @ParameterizedTest(name = "SmolLM2, t={0}, s={1}")
    @CsvSource({"1,1", "1,24", "5,8", "24,1", "24,24", "64,48"})
    void realModelGivesTheReferenceOutcome(int t, int s) {
        ReasonRequest request = ReasonRequest.newBuilder()
                .setTier("economy")
                .setTenant("it-tenant")
                .addMessages(SharedMesh.user(
                        "A farmer has 17 sheep and buys 3 more. How many sheep now? " + "Think it through first."))
                .setThinkingBudgetTokens(t)
                .setSolutionBudgetTokens(s)
                .build();

        assertMeshEqualsReference(PROFILES.require("smollm2-135m"), request, t, s);
    }

    @ParameterizedTest(name = "scripted {0}, t={1}, s={2}")
    @CsvSource({
        "think=6 close=yes answer=5, 1, 1", "think=6 close=yes answer=5, 6, 4",
        "think=6 close=yes answer=5, 7, 4", "think=6 close=yes answer=5, 64, 32",
        "think=6 close=split answer=5, 7, 32", "think=6 close=split answer=5, 8, 32",
        "think=3 close=no answer=5, 9, 6", "think=2 close=yes answer=9 reopen=4, 16, 32"
    })
    void scriptedModelGivesTheReferenceOutcome(String directive, int t, int s) {
        ReasonRequest request = SharedMesh.scripted(directive)
                .setThinkingBudgetTokens(t)
                .setSolutionBudgetTokens(s)
                .build();

        assertMeshEqualsReference(PROFILES.require("scripted"), request, t, s);
    }

    private static void assertMeshEqualsReference(ModelProfile profile, ReasonRequest request, int t, int s) {
        ElasticReasoningReference.Outcome expected = new ElasticReasoningReference(SharedMesh.triton())
                .run(profile, ChatMessages.toTurns(request.getMessagesList()), t, s);

        ReasonResponse actual =
                SharedMesh.routerStub().withDeadlineAfter(2, TimeUnit.MINUTES).reason(request);

        assertThat(actual.getThinkingText()).isEqualTo(expected.thinking());
        assertThat(actual.getUsage().getThinkingTokens()).isEqualTo(expected.thinkingTokens());
        assertThat(actual.getThinkingTruncated()).isEqualTo(expected.thinkingCut());
        assertThat(actual.getSolutionText()).isEqualTo(expected.solution());
        assertThat(actual.getUsage().getSolutionTokens()).isEqualTo(expected.solutionTokens());
        assertThat(actual.getSolutionTruncated()).isEqualTo(expected.solutionCut());
        assertThat(actual.getUsage().getPromptTokens()).isEqualTo(expected.promptTokens());
        assertThat(actual.getUsage().getThinkingTokens()).isLessThanOrEqualTo(t);
        assertThat(actual.getUsage().getSolutionTokens()).isLessThanOrEqualTo(s);
    }
}
