package io.elasticmesh.inference.profile;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Jinjava set up as Hugging Face transformers sets up jinja2 for {@code apply_chat_template}: {@code trim_blocks}
 * and {@code lstrip_blocks} on, Jinja's own operator precedence and whitespace rules, the globals
 * {@code raise_exception} and {@code strftime_now}, a {@code tojson} that writes like Python's
 * {@code json.dumps}, and the Python string methods templates call on message text ({@code split},
 * {@code startswith}, {@code strip}, …). Golden renderings made with jinja2 keep this honest
 * ({@code triton/tools/render_chat_templates.py}).
 */
final class HuggingFaceJinja {

    private HuggingFaceJinja() {}

    static Jinjava create() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                // Jinja's whitespace control and literal handling. Not whitespaceRequiredWithinTokens (it stops
                // "{%-for" from parsing) nor useNaturalOperatorPrecedence (it mis-binds "a and not b").
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withAllowAdjacentTextNodes(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .withElResolver(resolver)
                // Jinjava re-renders expression output by default; a message containing "{{ ... }}" must stay text.
                .withNestedInterpretationEnabled(false)
                .withFailOnUnknownTokens(false)
                .build());
        jinjava.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "raise_exception", HuggingFaceJinja.class, "raiseException", String.class));
        jinjava.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "strftime_now", HuggingFaceJinja.class, "strftimeNow", String.class));
        jinjava.getGlobalContext().registerFilter(new PythonToJson());
        return jinjava;
    }

    /**
     * Rewrites the two jinja2 constructs published templates use that Jinjava's parser reads differently, without
     * changing what they mean: the reversing slice {@code seq[::-1]} becomes {@code seq|reverse}, and the values
     * of {@code namespace(name=value, ...)} are parenthesised (Jinjava binds {@code name=a|length - 1} as
     * {@code (name=a|length) - 1}).
     */
    static String normalize(String source) {
        String reversed = source.replace("[::-1]", "|reverse");
        StringBuilder out = new StringBuilder();
        int from = 0;
        int call;
        while ((call = reversed.indexOf(NAMESPACE_CALL, from)) >= 0) {
            Call namespace = Call.parse(reversed, call + NAMESPACE_CALL.length());
            out.append(reversed, from, call + NAMESPACE_CALL.length());
            out.append(String.join(
                    ", ",
                    namespace.arguments().stream()
                            .map(HuggingFaceJinja::parenthesiseValue)
                            .toList()));
            from = namespace.end();
        }
        return out.append(reversed.substring(from)).toString();
    }

    private static final String NAMESPACE_CALL = "namespace(";

    private static final Pattern NAMED_ARGUMENT =
            Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*=(?!=)(.*)", Pattern.DOTALL);

    private static String parenthesiseValue(String argument) {
        Matcher named = NAMED_ARGUMENT.matcher(argument);
        return named.matches() ? named.group(1) + "=(" + named.group(2).strip() + ")" : argument;
    }

    /** The top-level arguments of a call and the index of its closing parenthesis. */
    private record Call(List<String> arguments, int end) {

        /** Scans from just after the call's "(", skipping quoted text and nested brackets. */
        static Call parse(String text, int start) {
            List<String> arguments = new ArrayList<>();
            int depth = 0;
            char quote = 0;
            int argument = start;
            for (int i = start; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quote != 0) {
                    quote = c == quote ? 0 : quote;
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '(' || c == '[' || c == '{') {
                    depth++;
                } else if (c == ',' && depth == 0) {
                    arguments.add(text.substring(argument, i).strip());
                    argument = i + 1;
                } else if ((c == ')' || c == ']' || c == '}') && depth-- == 0) {
                    String last = text.substring(argument, i).strip();
                    if (!last.isEmpty()) {
                        arguments.add(last);
                    }
                    return new Call(arguments, i);
                }
            }
            throw new IllegalArgumentException("chat template has an unclosed namespace( call");
        }
    }

    /** A template's own error, e.g. "Conversation roles must alternate user/assistant/user/assistant/...". */
    public static String raiseException(String message) {
        throw new TemplateRaisedException(message);
    }

    /** What {@code raise_exception} throws: the template refuses the conversation; the message is its own. */
    static final class TemplateRaisedException extends RuntimeException {
        TemplateRaisedException(String message) {
            super(message);
        }
    }

    public static String strftimeNow(String format) {
        return StrftimeFormatter.format(ZonedDateTime.now(), format);
    }

    /** Python's {@code str} methods on Java strings, with Python's semantics (literal separators, not regexes). */
    static final class PythonStringMethods extends ELResolver {

        @Override
        public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
            if (!(base instanceof String text) || !(method instanceof String name)) {
                return null;
            }
            Object[] args = params == null ? new Object[0] : params;
            Object result = switch (name) {
                case "split" -> split(text, args);
                case "startswith" -> args.length == 1 ? text.startsWith(String.valueOf(args[0])) : null;
                case "endswith" -> args.length == 1 ? text.endsWith(String.valueOf(args[0])) : null;
                case "strip" -> args.length <= 1 ? rstrip(lstrip(text, args), args) : null;
                case "lstrip" -> args.length <= 1 ? lstrip(text, args) : null;
                case "rstrip" -> args.length <= 1 ? rstrip(text, args) : null;
                case "upper" -> args.length == 0 ? text.toUpperCase(java.util.Locale.ROOT) : null;
                case "lower" -> args.length == 0 ? text.toLowerCase(java.util.Locale.ROOT) : null;
                case "replace" ->
                    args.length == 2 ? text.replace(String.valueOf(args[0]), String.valueOf(args[1])) : null;
                default -> null;
            };
            if (result != null) {
                context.setPropertyResolved(true);
            }
            return result;
        }

        private static List<String> split(String text, Object[] args) {
            if (args.length == 0 || args[0] == null) {
                return Arrays.stream(text.strip().split("\\s+"))
                        .filter(s -> !s.isEmpty())
                        .toList();
            }
            return Arrays.asList(text.split(Pattern.quote(String.valueOf(args[0])), -1));
        }

        private static String lstrip(String text, Object[] args) {
            String chars = args.length == 0 || args[0] == null ? null : String.valueOf(args[0]);
            int i = 0;
            while (i < text.length() && strippable(text.charAt(i), chars)) {
                i++;
            }
            return text.substring(i);
        }

        private static String rstrip(String text, Object[] args) {
            String chars = args.length == 0 || args[0] == null ? null : String.valueOf(args[0]);
            int end = text.length();
            while (end > 0 && strippable(text.charAt(end - 1), chars)) {
                end--;
            }
            return text.substring(0, end);
        }

        private static boolean strippable(char c, String chars) {
            return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
        }

        @Override
        public Object getValue(ELContext context, Object base, Object property) {
            return null;
        }

        @Override
        public Class<?> getType(ELContext context, Object base, Object property) {
            return null;
        }

        @Override
        public void setValue(ELContext context, Object base, Object property, Object value) {}

        @Override
        public boolean isReadOnly(ELContext context, Object base, Object property) {
            return true;
        }

        @Override
        public java.util.Iterator<java.beans.FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
            return null;
        }

        @Override
        public Class<?> getCommonPropertyType(ELContext context, Object base) {
            return null;
        }
    }

    /** {@code tojson} as transformers defines it: {@code json.dumps(x, ensure_ascii=False)}, ", " and ": ". */
    static final class PythonToJson implements Filter {

        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
            try {
                return JSON.writer(new PythonSeparators()).writeValueAsString(value);
            } catch (JsonProcessingException e) {
                interpreter.addError(TemplateError.fromException(e));
                throw new UncheckedIOException(e);
            }
        }

        private static final class PythonSeparators extends MinimalPrettyPrinter {
            @Override
            public void writeObjectFieldValueSeparator(JsonGenerator g) throws IOException {
                g.writeRaw(": ");
            }

            @Override
            public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
                g.writeRaw(", ");
            }

            @Override
            public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
                g.writeRaw(", ");
            }
        }
    }
}
