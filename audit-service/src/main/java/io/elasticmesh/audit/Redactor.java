package io.elasticmesh.audit;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Ops-configured redaction: every match of any pattern is replaced, left to right, pattern by pattern. */
public final class Redactor {

    private final List<Pattern> patterns;
    private final String replacement;

    /** @throws IllegalArgumentException naming the pattern that is not a valid regular expression */
    public Redactor(List<String> patterns, String replacement) {
        this.patterns = patterns.stream().map(Redactor::compile).toList();
        this.replacement = replacement;
    }

    private static Pattern compile(String pattern) {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "audit.redaction.patterns: '" + pattern + "' is not a valid regular expression: "
                            + e.getDescription(),
                    e);
        }
    }

    public String redact(String text) {
        String result = text;
        for (Pattern pattern : patterns) {
            result = pattern.matcher(result).replaceAll(Matcher.quoteReplacement(replacement));
        }
        return result;
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }
}
