package io.elasticmesh.inference.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/** The context-window rule: prompt + t + closing + s fit the window; t may be lowered, s never. */
class ContextWindowRuleTests {

    private static final ModelProfiles BUILT_IN = ModelProfiles.load(java.util.Optional.empty());

    private static ModelProfile smollm2() {
        return BUILT_IN.require("smollm2-135m");
    }

    @Test
    void everyShippedProfileKnowsItsContextWindow() {
        assertThat(smollm2().contextWindowTokens()).isEqualTo(2048);
        assertThat(smollm2().closingTokens()).isEqualTo(4);
        assertThat(BUILT_IN.require("scripted").contextWindowTokens()).isEqualTo(4096);
        BUILT_IN.names()
                .forEach(name ->
                        assertThat(BUILT_IN.require(name).contextWindowTokens()).isPositive());
    }

    /** The case: 1,882 prompt tokens, t = 512, s = 128 on SmolLM2's 2,048. */
    @Test
    void aPromptNearTheWindowIsRefusedWithTheNumbersOrHasItsThinkingLowered() {
        assertThatThrownBy(() -> smollm2().fitThinkingBudget(1882, 512, 128, false))
                .isInstanceOf(ContextWindowExceeded.class)
                .hasMessage("prompt 1882 + thinking_budget_tokens 512 + closing 4 + solution_budget_tokens 128 = 2526 "
                        + "tokens exceed the context window of model 'smollm2-135m' (2048 tokens); lower "
                        + "thinking_budget_tokens to at most 34, set clamp_budgets to have it lowered, or shorten the "
                        + "conversation");
        assertThat(smollm2().fitThinkingBudget(1882, 512, 128, true)).isEqualTo(34);
        assertThatThrownBy(() -> smollm2().fitThinkingBudget(2080, 512, 128, true))
                .isInstanceOf(ContextWindowExceeded.class)
                .hasMessageContaining("leaves no room for thinking");
    }

    @Property
    void theAppliedBudgetAlwaysFitsWithTheWholeSolutionBudget(
            @ForAll @IntRange(min = 1, max = 5_000) int prompt,
            @ForAll @IntRange(min = 1, max = 3_000) int thinking,
            @ForAll @IntRange(min = 1, max = 3_000) int solution,
            @ForAll boolean lower) {
        ModelProfile profile = smollm2();
        try {
            int applied = profile.fitThinkingBudget(prompt, thinking, solution, lower);
            assertThat(applied).isBetween(1, thinking);
            assertThat(prompt + applied + profile.closingTokens() + solution)
                    .isLessThanOrEqualTo(profile.contextWindowTokens());
            if (applied < thinking) {
                assertThat(lower).isTrue();
                // Lowered no more than the window needs.
                assertThat(prompt + applied + profile.closingTokens() + solution)
                        .isEqualTo(profile.contextWindowTokens());
            }
        } catch (ContextWindowExceeded refused) {
            assertThat(prompt + thinking + profile.closingTokens() + solution)
                    .isGreaterThan(profile.contextWindowTokens());
            assertThat(refused)
                    .hasMessageContaining("prompt " + prompt + " ")
                    .hasMessageContaining("thinking_budget_tokens " + thinking)
                    .hasMessageContaining("solution_budget_tokens " + solution)
                    .hasMessageContaining("(" + profile.contextWindowTokens() + " tokens)");
        }
    }

    /** The byte bound may only err towards counting: a text judged to fit surely fits, whatever its tokens. */
    @Property
    void aPromptJudgedToFitByItsSizeFitsWhateverItsTokens(
            @ForAll @StringLength(max = 3_000) String prompt,
            @ForAll @IntRange(min = 1, max = 1_000) int thinking,
            @ForAll @IntRange(min = 1, max = 1_000) int solution) {
        ModelProfile profile = smollm2();
        if (!profile.mayOverflow(prompt, thinking, solution)) {
            // No tokenizer makes more tokens than UTF-8 bytes, plus a BOS and one more.
            int mostTokens = prompt.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 2;
            assertThat(profile.fitThinkingBudget(mostTokens, thinking, solution, false))
                    .isEqualTo(thinking);
        }
    }
}
