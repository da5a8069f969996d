package io.computegrid.cli.serving;

import io.computegrid.cli.ApiClient;
import io.computegrid.cli.CliException;
import io.computegrid.cli.ClientOptions;
import io.computegrid.cli.Output;
import io.computegrid.spec.Documents;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;

/** {@code grid serve} and {@code grid services}: inference services from the command line. */
public final class ServiceCommands {
    private ServiceCommands() {
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Create an inference service from a YAML or JSON file, or update the live one of that name.")
    public static final class Serve implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Option(names = {"-f", "--file"}, required = true, description = "Service spec file (kind: service), - for stdin")
        String file;

        @Override
        public Integer call() {
            boolean json = c.json();
            String text = io.computegrid.cli.SpecFiles.read(file);
            JsonNode doc;
            try {
                doc = Documents.parse(text, "-".equals(file) ? "stdin" : file);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), 2);
            }
            if (!doc.isObject() || !doc.path("name").isString()) {
                throw new CliException(file + ": name: is required", 2);
            }
            String type = text.stripLeading().startsWith("{") ? "application/json" : "application/yaml";
            ApiClient api = c.client();
            Map<String, String> q = new LinkedHashMap<>();
            q.put("name", doc.get("name").asString());
            q.put("tenant", doc.path("tenant").isString() ? doc.get("tenant").asString() : null);
            JsonNode existing = api.get("/api/v1/services" + ApiClient.query(q)).get("items");
            JsonNode r;
            String what;
            try {
                if (existing.isEmpty()) {
                    r = api.postRaw("/api/v1/services", text, type);
                    what = "created";
                } else {
                    r = api.putRaw("/api/v1/services/" + existing.get(0).get("id").asLong(), text, type);
                    what = "updated";
                }
            } catch (CliException e) {
                throw new CliException(file + ": " + e.getMessage(), e.exitCode());
            }
            if (json) {
                Output.json(r);
            } else {
                System.out.println("service " + Output.text(r, "id") + " " + Output.text(r, "name") + " " + what
                        + ": " + Output.text(r, "url"));
            }
            return 0;
        }
    }

    @Command(name = "services", mixinStandardHelpOptions = true, description = "List inference services.",
            subcommands = {Show.class, Delete.class})
    public static final class Services implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Option(names = "--tenant", description = "Only services of this tenant")
        String tenant;
        @Option(names = "--deleted", description = "Deleted services instead of live ones")
        boolean deleted;

        @Override
        public Integer call() {
            boolean json = c.json();
            Map<String, String> q = new LinkedHashMap<>();
            q.put("tenant", tenant);
            q.put("state", deleted ? "DELETED" : null);
            JsonNode items = c.client().get("/api/v1/services" + ApiClient.query(q)).get("items");
            if (json) {
                Output.json(items);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode s : items) {
                rows.add(List.of(Output.text(s, "id"), Output.text(s, "name"), Output.text(s, "tenant"),
                        Output.text(s, "readyReplicas") + "/" + Output.text(s, "desiredReplicas"),
                        Output.text(s, "minReplicas") + "-" + Output.text(s, "maxReplicas"),
                        Output.text(s, "inFlight"), s.path("autoscaler").path("mode").asString("-"),
                        Output.text(s, "url")));
            }
            Output.table(List.of("ID", "NAME", "TENANT", "READY", "MIN-MAX", "IN-FLIGHT", "MODE", "URL"), rows);
            return 0;
        }
    }

    /** A service by id, or by name among the live services the caller sees. */
    static JsonNode find(ApiClient api, String idOrName) {
        if (idOrName.matches("\\d{1,18}")) {
            return api.get("/api/v1/services/" + idOrName);
        }
        JsonNode items = api.get("/api/v1/services" + ApiClient.query(Map.of("name", idOrName))).get("items");
        if (items.isEmpty()) {
            throw new CliException("no live service named '" + idOrName + "'");
        }
        if (items.size() > 1) {
            throw new CliException("several tenants have a service named '" + idOrName + "'; use its id");
        }
        return items.get(0);
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one service: replicas, autoscaler, usage, events.")
    static final class Show implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Parameters(index = "0", paramLabel = "ID|NAME")
        String id;

        @Override
        public Integer call() {
            boolean json = c.json();
            ApiClient api = c.client();
            JsonNode s = find(api, id);
            if (json) {
                Output.json(s);
                return 0;
            }
            JsonNode a = s.get("autoscaler");
            System.out.println("service " + Output.text(s, "id") + " " + Output.text(s, "name") + " (tenant "
                    + Output.text(s, "tenant") + ", " + Output.text(s, "state") + ")  " + Output.text(s, "url"));
            System.out.println("  replicas:   " + Output.text(s, "readyReplicas") + " ready of "
                    + Output.text(s, "desiredReplicas") + " desired (min " + Output.text(s, "minReplicas") + ", max "
                    + Output.text(s, "maxReplicas") + "); in flight " + Output.text(s, "inFlight") + ", held "
                    + Output.text(s, "held"));
            System.out.println("  autoscaler: " + Output.text(a, "mode") + " - " + Output.text(a, "reason"));
            JsonNode f = s.get("failures");
            if (f.path("consecutive").asInt() > 0) {
                System.out.println("  failures:   " + Output.text(f, "consecutive") + " in a row"
                        + (f.path("crashLoop").asBoolean() ? " (crash loop)" : "") + "; next replica at "
                        + Output.text(f, "nextReplicaAt"));
            }
            JsonNode u = s.get("usage");
            System.out.println("  usage:      " + Output.text(u, "cardSeconds") + " card-seconds, "
                    + Output.text(u, "cost") + " " + Output.text(u, "currency"));
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode r : s.get("replicas")) {
                rows.add(List.of("    " + Output.text(r, "jobId"), Output.text(r, "state"), Output.text(r, "center")
                                + "/" + Output.text(r, "node"), Output.text(r, "endpoint"),
                        r.path("ready").asBoolean() ? "ready" : r.path("draining").asBoolean() ? "draining" : "-",
                        Output.text(r, "inFlight")));
            }
            if (!rows.isEmpty()) {
                Output.table(List.of("    JOB", "STATE", "WHERE", "ENDPOINT", "READY", "IN-FLIGHT"), rows);
            }
            System.out.println("  recent events:");
            for (JsonNode e : api.get("/api/v1/services/" + Output.text(s, "id") + "/events?limit=15").get("items")) {
                System.out.println("    " + Output.text(e, "at") + "  " + Output.text(e, "type") + "  "
                        + Output.text(e, "message"));
            }
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a service: its replicas drain and stop.")
    static final class Delete implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Parameters(index = "0", paramLabel = "ID|NAME")
        String id;

        @Override
        public Integer call() {
            boolean json = c.json();
            ApiClient api = c.client();
            JsonNode s = find(api, id);
            JsonNode r = api.delete("/api/v1/services/" + s.get("id").asLong());
            if (json) {
                Output.json(r);
            } else {
                System.out.println("service " + Output.text(r, "id") + " " + Output.text(r, "name") + " deleted; "
                        + "its replicas drain");
            }
            return 0;
        }
    }
}
