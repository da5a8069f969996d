package io.computegrid.cli;

import io.computegrid.cli.serving.LoadCommand;
import io.computegrid.cli.serving.ModelServerCommand;
import io.computegrid.cli.serving.ServiceCommands;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code grid} command line: the server, the client commands, the simulator and benchmarks. */
@Command(name = "grid", mixinStandardHelpOptions = true, version = "computegrid 0.1.0",
        description = "computegrid: one pool of AI compute over many centers.",
        subcommands = {
                ServerCommand.class,
                JobCommands.Submit.class, JobCommands.Jobs.class, JobCommands.Job.class, JobCommands.Explain.class,
                JobCommands.Logs.class, JobCommands.Cancel.class,
                AdminCommands.Centers.class, AdminCommands.Tenants.class, AdminCommands.Tenant.class,
                AdminCommands.Token.class,
                SimulateCommand.class, BenchCommand.class,
                io.computegrid.cli.agent.AgentCommand.class, io.computegrid.cli.agent.AgentsCommand.class,
                ServiceCommands.Serve.class, ServiceCommands.Services.class, ModelServerCommand.class, LoadCommand.class,
                CommandLine.HelpCommand.class})
public final class Grid implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns the exit code; failures are one line on stderr. */
    public static int run(String... args) {
        if (args.length > 0 && args[0].equals("model-server")) {
            // a replica starts on its own: not the whole command tree (a service scales up faster)
            return withHandlers(new CommandLine(new ModelServerCommand()).setCommandName("grid model-server"))
                    .execute(java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Grid());
        for (Object extra : Extensions.commands()) {
            cl.addSubcommand(extra);
        }
        return withHandlers(cl);
    }

    /** One-line errors and exit codes (CliException, bad arguments) for a command line. */
    static CommandLine withHandlers(CommandLine cl) {
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String name = cmd.getCommandSpec().qualifiedName(" ");
            if (e instanceof CliException ce) {
                cmd.getErr().println(name + ": " + ce.getMessage());
                return ce.exitCode();
            }
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println(name + ": " + e.getMessage());
                return 2;
            }
            cmd.getErr().println(name + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                    : ": " + e.getMessage().lines().findFirst().orElse("")));
            return 1;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine cmd = ex.getCommandLine();
            PrintWriter err = cmd.getErr();
            err.println(cmd.getCommandSpec().qualifiedName(" ") + ": " + ex.getMessage()
                    + " (see --help)");
            return 2;
        });
        return cl;
    }
}
