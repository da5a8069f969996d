package io.computegrid.cli.agent;

import io.computegrid.agent.Agent;
import io.computegrid.agent.AgentException;
import io.computegrid.agent.AgentOptions;
import io.computegrid.cli.CliException;
import io.computegrid.spec.Quantities;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.JsonNodeFactory;

/** {@code grid agent}: runs a pull-mode edge agent (docs/agent.md); {@code grid agent token} makes join tokens. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Run a pull-mode edge agent: it dials out to the server, offers this machine's cards to an "
                + "agent center and runs the tasks placed on it. Stops its tasks on SIGTERM.",
                "Operators make join tokens with `grid agent token --center C`."},
        subcommands = {AgentTokenCommand.class, AgentDrainCommand.class, AgentRemoveCommand.class})
public final class AgentCommand implements Callable<Integer> {
    @Option(names = "--server", paramLabel = "URL[,URL...]",
            description = "The server(s) to dial; with several, the agent follows the active one (default: $GRID_URL)")
    String server;
    @Option(names = "--join-token", description = "A join token from `grid agent token` (default: $GRID_JOIN_TOKEN); "
            + "needed the first time, or when the credential in --work is gone")
    String joinToken;
    @Option(names = "--name", description = "Node name (default: the host name)")
    String name;
    @Option(names = "--accelerator", paramLabel = "MODEL", description = "Accelerator model of the cards offered, "
            + "as in the server's catalog (nvidia-t4, ascend-310, ...)")
    String accelerator;
    @Option(names = "--cards", description = "Cards offered (default 1; 0 offers CPU only)")
    int cards = 1;
    @Option(names = "--cpu", description = "CPU cores offered (default: all of this machine's)")
    String cpu;
    @Option(names = "--memory", description = "Memory offered, e.g. 16Gi (default: all of this machine's)")
    String memory;
    @Option(names = "--work", description = "Task logs, working directories and the agent's credential "
            + "(default ~/.computegrid-agent)")
    Path work = Path.of(System.getProperty("user.home"), ".computegrid-agent");
    @Option(names = "--advertise-address", description = "Address the server and the gateway reach this machine's "
            + "tasks at, and gangs meet at (default 127.0.0.1)")
    String advertise = "127.0.0.1";
    @Option(names = "--ports", paramLabel = "LOW-HIGH", description = "Ports for gang rendezvous and serving tasks "
            + "(default 29500-29999)")
    String ports = "29500-29999";
    @Option(names = "--kill-grace", description = "Time between SIGTERM and SIGKILL when stopping a task (default 5s)")
    String killGrace = "5s";

    @Override
    public Integer call() {
        AgentOptions o;
        try {
            o = options();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
        Agent agent = new Agent(o, System.out, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(agent::stop, "agent-shutdown"));
        try {
            agent.run();
        } catch (AgentException e) {
            throw new CliException(e.getMessage(), e.exitCode());
        }
        return 0;
    }

    AgentOptions options() {
        String url = server != null ? server : System.getenv("GRID_URL");
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("--server: required, e.g. --server http://grid.example:8080");
        }
        if (accelerator == null) {
            throw new IllegalArgumentException("--accelerator: required, the model of the cards this machine offers");
        }
        int cpuMilli = cpu == null ? Runtime.getRuntime().availableProcessors() * 1000
                : Quantities.milli(JsonNodeFactory.instance.stringNode(cpu), "--cpu", 0, 100_000);
        long memMiB = memory == null ? physicalMemoryMiB()
                : Quantities.memoryMiB(JsonNodeFactory.instance.stringNode(memory), "--memory");
        Duration grace = Quantities.duration(JsonNodeFactory.instance.stringNode(killGrace), "--kill-grace");
        return new AgentOptions(AgentOptions.servers(url), joinToken != null ? joinToken : System.getenv("GRID_JOIN_TOKEN"),
                name != null ? name : hostName(), accelerator, cards, cpuMilli, memMiB, work, advertise,
                AgentOptions.portRange(ports), grace);
    }

    private static long physicalMemoryMiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(1, os.getTotalMemorySize() / (1024 * 1024));
        }
        return 1024;
    }

    /** The host name as a node name: its first label, with characters names may not hold replaced. */
    static String hostName() {
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            h = System.getenv().getOrDefault("HOSTNAME", "agent");
        }
        String first = h.split("\\.")[0].replaceAll("[^A-Za-z0-9_-]", "-");
        first = first.replaceAll("^[^A-Za-z0-9]+", "");
        return first.isEmpty() ? "agent" : first.substring(0, Math.min(63, first.length()));
    }
}
