package io.elasticmesh.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** Checks picocli's types do not make: each failure is a usage error (exit 2, with the usage). */
final class Arguments {

    private Arguments() {}

    /** A count given on the command line: 1 or more. */
    static int positive(CommandSpec spec, String option, int value) {
        if (value < 1) {
            throw new ParameterException(
                    spec.commandLine(), option + " takes a whole number of at least 1, was " + value);
        }
        return value;
    }
}
