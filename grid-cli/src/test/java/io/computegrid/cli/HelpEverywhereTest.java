package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every command and subcommand of {@code grid}, extensions included and at any depth, answers {@code --help}:
 * exit 0, its usage on stdout, nothing on stderr. A command added without help options fails here.
 */
class HelpEverywhereTest {
    static void collect(CommandLine cl, List<String> path, List<List<String>> out) {
        for (var e : cl.getSubcommands().entrySet()) {
            if (!e.getKey().equals(e.getValue().getCommandName())) {
                continue; // an alias: the command itself is walked under its name
            }
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            out.add(p);
            collect(e.getValue(), p, out);
        }
    }

    @Test
    void everyCommandAnswersHelp() {
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of());
        collect(Grid.commandLine(), List.of(), commands);
        assertThat(commands).as("the tree holds the contract's commands and the extensions")
                .contains(List.of("server"), List.of("submit"), List.of("bench", "failover"), List.of("tenant", "create"),
                        List.of("token", "create"), List.of("voucher", "issue"), List.of("bill"));
        List<String> failures = new ArrayList<>();
        for (List<String> c : commands) {
            List<String> args = new ArrayList<>(c);
            args.add("--help");
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            String name = "grid " + String.join(" ", c);
            if (r.exit() != 0 || !r.out().contains("Usage: grid") || !r.err().isEmpty()) {
                failures.add(name + " --help: exit " + r.exit() + ", stdout " + r.out().lines().findFirst().orElse("")
                        + ", stderr " + r.err().lines().findFirst().orElse(""));
            }
        }
        assertThat(failures).isEmpty();
    }
}
