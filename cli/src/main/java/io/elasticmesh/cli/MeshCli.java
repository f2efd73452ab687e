package io.elasticmesh.cli;

import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code ./mesh reason | continue | tiers | audit | demo | pilot}: the mesh's gRPC API for people. Exit status 0 when done,
 * 1 when a call failed (its status, message and google.rpc details on stderr) or a verified chain is broken, 2 for
 * a command line it does not understand (with the usage).
 */
@Command(
        name = "mesh",
        synopsisSubcommandLabel = "COMMAND",
        description = "Talks to a running mesh (./mesh up; endpoints and keys from .mesh/ unless given).",
        subcommands = {
            ReasonCommand.class,
            ContinueCommand.class,
            TiersCommand.class,
            AuditCommand.class,
            DemoCommand.class,
            PilotCommand.class
        })
public final class MeshCli implements Runnable {

    @Spec
    private CommandSpec spec;

    @Option(
            names = {"-h", "--help"},
            usageHelp = true,
            scope = ScopeType.INHERIT,
            description = "Show this help and exit.")
    private boolean help;

    public static void main(String[] args) {
        System.exit(execute(Context.system(), args));
    }

    /** Runs one command line; returns its exit status. */
    public static int execute(Context context, String... args) {
        CommandLine line = new CommandLine(new MeshCli(), factory(context));
        // Wide enough that no option's help breaks inside a path.
        line.setUsageHelpWidth(120);
        line.setOut(context.out());
        line.setErr(context.err());
        // picocli's own handler leaves the usage out when it has a suggestion; people get both.
        line.setParameterExceptionHandler((e, given) -> {
            CommandLine command = e.getCommandLine();
            PrintWriter err = command.getErr();
            err.println(e.getMessage());
            UnmatchedArgumentException.printSuggestions(e, err);
            err.print(command.getUsageMessage());
            err.flush();
            return command.getCommandSpec().exitCodeOnInvalidInput();
        });
        line.setExecutionExceptionHandler((e, command, parsed) -> {
            if (!(e instanceof StatusRuntimeException failure)) {
                throw e;
            }
            context.out().flush();
            String name = command.getCommandSpec().qualifiedName();
            for (String problem : ErrorReport.lines(failure)) {
                context.err().println(name + ": " + problem);
            }
            context.err().flush();
            return 1;
        });
        return line.execute(args);
    }

    /** Commands and option groups that take the {@link Context} get it; the rest are made as picocli makes them. */
    private static IFactory factory(Context context) {
        IFactory fallback = CommandLine.defaultFactory();
        return new IFactory() {
            @Override
            public <K> K create(Class<K> type) throws Exception {
                try {
                    var constructor = type.getDeclaredConstructor(Context.class);
                    constructor.setAccessible(true);
                    return constructor.newInstance(context);
                } catch (NoSuchMethodException e) {
                    return fallback.create(type);
                }
            }
        };
    }

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(), "name a command: reason, continue, tiers, audit, demo or pilot");
    }
}
