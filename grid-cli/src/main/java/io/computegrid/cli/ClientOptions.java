package io.computegrid.cli;

import picocli.CommandLine.Option;

/** Options every client command shares: where the server is, the token, and the output format. */
public final class ClientOptions {
    @Option(names = "--url", description = "Server URL (default: $GRID_URL or http://localhost:8080)")
    String url;

    @Option(names = "--token", description = "Bearer token (default: $GRID_TOKEN)")
    String token;

    @Option(names = {"-o", "--output"}, description = "Output format: text (default) or json")
    String output = "text";

    public boolean json() {
        if (!"json".equals(output) && !"text".equals(output)) {
            throw new CliException("-o: unknown output format '" + output + "' (use text or json)", 2);
        }
        return "json".equals(output);
    }

    public ApiClient client() {
        String u = url != null ? url : System.getenv().getOrDefault("GRID_URL", "http://localhost:8080");
        String t = token != null ? token : System.getenv("GRID_TOKEN");
        return new ApiClient(u, t);
    }
}
