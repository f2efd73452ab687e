package io.elasticmesh.telemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Span attribute names: the OpenTelemetry GenAI semantic conventions (gen_ai.*) for model calls, and the mesh's own
 * (elastic.*) for what Elastic Reasoning adds.
 */
public final class TraceAttributes {

    /** {@value #CHAT} for a conversation the router answers, {@value #TEXT_COMPLETION} for a prompt sent to Triton. */
    public static final AttributeKey<String> GEN_AI_OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");

    public static final String CHAT = "chat";
    public static final String TEXT_COMPLETION = "text_completion";
    /** Who serves the model: {@value #PROVIDER}. */
    public static final AttributeKey<String> GEN_AI_PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");

    public static final String PROVIDER = "triton";
    public static final AttributeKey<String> GEN_AI_REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    public static final AttributeKey<Long> GEN_AI_REQUEST_MAX_TOKENS =
            AttributeKey.longKey("gen_ai.request.max_tokens");
    public static final AttributeKey<Double> GEN_AI_REQUEST_TEMPERATURE =
            AttributeKey.doubleKey("gen_ai.request.temperature");
    public static final AttributeKey<Double> GEN_AI_REQUEST_TOP_P = AttributeKey.doubleKey("gen_ai.request.top_p");
    public static final AttributeKey<Long> GEN_AI_REQUEST_SEED = AttributeKey.longKey("gen_ai.request.seed");
    public static final AttributeKey<List<String>> GEN_AI_REQUEST_STOP_SEQUENCES =
            AttributeKey.stringArrayKey("gen_ai.request.stop_sequences");
    public static final AttributeKey<String> GEN_AI_RESPONSE_ID = AttributeKey.stringKey("gen_ai.response.id");
    /** Lower case: {@code stop}, {@code length}, or {@code time_limit} when the mesh cut generation for time. */
    public static final AttributeKey<List<String>> GEN_AI_RESPONSE_FINISH_REASONS =
            AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");

    public static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS =
            AttributeKey.longKey("gen_ai.usage.input_tokens");
    public static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS =
            AttributeKey.longKey("gen_ai.usage.output_tokens");

    public static final AttributeKey<String> ELASTIC_TIER = AttributeKey.stringKey("elastic.tier");
    /** {@code thinking} or {@code solution}. */
    public static final AttributeKey<String> ELASTIC_PHASE = AttributeKey.stringKey("elastic.phase");

    public static final AttributeKey<Long> ELASTIC_THINKING_BUDGET_TOKENS =
            AttributeKey.longKey("elastic.thinking_budget_tokens");
    public static final AttributeKey<Long> ELASTIC_SOLUTION_BUDGET_TOKENS =
            AttributeKey.longKey("elastic.solution_budget_tokens");
    public static final AttributeKey<Long> ELASTIC_THINKING_TOKENS = AttributeKey.longKey("elastic.thinking_tokens");
    public static final AttributeKey<Long> ELASTIC_SOLUTION_TOKENS = AttributeKey.longKey("elastic.solution_tokens");
    public static final AttributeKey<Boolean> ELASTIC_THINKING_TRUNCATED =
            AttributeKey.booleanKey("elastic.thinking_truncated");
    /** Set only when thinking was cut: {@code token_budget}, {@code deadline}, {@code context_window}. */
    public static final AttributeKey<String> ELASTIC_TRUNCATION_REASON =
            AttributeKey.stringKey("elastic.truncation_reason");

    public static final AttributeKey<Long> ELASTIC_FORCED_DELIMITERS =
            AttributeKey.longKey("elastic.forced_delimiters");
    public static final AttributeKey<Long> ELASTIC_TIME_LIMIT_MS = AttributeKey.longKey("elastic.time_limit_ms");

    /** The failure's class, per the general semantic conventions. */
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private TraceAttributes() {}

    /** {@code gen_ai.request.temperature}, {@code .top_p} and {@code .seed}, each only when set. */
    public static Attributes sampling(OptionalDouble temperature, OptionalDouble topP, OptionalLong seed) {
        AttributesBuilder attributes = Attributes.builder();
        temperature.ifPresent(t -> attributes.put(GEN_AI_REQUEST_TEMPERATURE, t));
        topP.ifPresent(p -> attributes.put(GEN_AI_REQUEST_TOP_P, p));
        seed.ifPresent(s -> attributes.put(GEN_AI_REQUEST_SEED, s));
        return attributes.build();
    }
}
