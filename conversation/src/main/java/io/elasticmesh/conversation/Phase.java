package io.elasticmesh.conversation;

import java.util.Locale;

/** The two phases of Elastic Reasoning, each a generation of its own. */
public enum Phase {
    THINKING,
    SOLUTION;

    /** As spans and metrics label it: {@code thinking}, {@code solution}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
