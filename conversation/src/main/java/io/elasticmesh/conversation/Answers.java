package io.elasticmesh.conversation;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The final answer of a solution text: what the pilot's exact-match and multiple-choice graders compare, and what the
 * router's shadow evaluation compares between an answer and its larger-budget shadow.
 */
public final class Answers {

    private static final Pattern CHOICE = Pattern.compile("(?<![A-Za-z])\\(?([A-J])\\)?(?![A-Za-z])");
    private static final Pattern TEXT = Pattern.compile("\\\\(?:text|textbf|mathrm)\\{([^{}]*)\\}");

    private Answers() {}

    /** The content of the last {@code \boxed{…}} (braces balanced), or null when there is none or it is open. */
    public static String lastBoxed(String text) {
        int at = text.lastIndexOf("\\boxed{");
        if (at < 0) {
            return null;
        }
        int depth = 0;
        for (int i = at + "\\boxed".length(); i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return text.substring(at + "\\boxed{".length(), i);
            }
        }
        return null;
    }

    /** The last boxed answer, else the last non-blank line; "" for an empty solution. */
    public static String finalAnswer(String text) {
        if (text == null || text.isBlank()) {
            return "";
        }
        String boxed = lastBoxed(text);
        if (boxed != null) {
            return boxed;
        }
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }

    /**
     * For exact match: {@code \text{…}} unwrapped, {@code $}, spaces, a trailing period and a leading
     * "the answer is" removed, lower case.
     */
    public static String normalize(String answer) {
        String s = TEXT.matcher(answer).replaceAll("$1");
        s = s.replace("$", "").replace("\\!", "").strip().toLowerCase(Locale.ROOT);
        s = s.replaceFirst("^(the )?(final )?answer( is)?:?", "");
        s = s.replaceAll("\\s+", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** Whether two solution texts give the same final answer, by normalized exact match; never for a blank one. */
    public static boolean agree(String one, String other) {
        String a = normalize(finalAnswer(one));
        return !a.isEmpty() && a.equals(normalize(finalAnswer(other)));
    }

    /** The choice letter A–J of the final answer, or null when it names none or several. */
    public static String choice(String text) {
        String answer = finalAnswer(text).strip().replaceFirst("(?i)^(the )?(final )?answer( is)?:?", "");
        Matcher m = CHOICE.matcher(answer.strip());
        String found = null;
        while (m.find()) {
            if (found != null && !found.equals(m.group(1))) {
                return null;
            }
            found = m.group(1);
        }
        return found;
    }
}
