package io.computegrid.cli;

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

/** Client commands for centers, tenants and tokens. */
final class AdminCommands {
    private AdminCommands() {
    }

    @Command(name = "centers", mixinStandardHelpOptions = true,
            description = "List centers, their pools and free cards.")
    static final class Centers implements Callable<Integer> {
        @Mixin
        ClientOptions c;

        @Override
        public Integer call() {
            boolean json = c.json();
            JsonNode items = c.client().get("/api/v1/centers").get("items");
            if (json) {
                Output.json(items);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode ce : items) {
                for (JsonNode p : ce.get("pools")) {
                    rows.add(List.of(Output.text(ce, "name"), Output.text(ce, "tier"), Output.text(ce, "region"),
                            Output.text(ce, "status"), Output.text(p, "name"), Output.text(p, "accelerator"),
                            Output.text(p, "nodes") + "x" + Output.text(p, "acceleratorsPerNode"),
                            fmt(p.get("idle").asDouble()) + "/" + Output.text(p, "cards"),
                            Output.text(p, p.has("onDemandPerCardHour") ? "onDemandPerCardHour" : "pricePerCardHour")));
                }
            }
            Output.table(List.of("CENTER", "TIER", "REGION", "STATUS", "POOL", "ACCELERATOR", "NODES", "IDLE/CARDS",
                    "PRICE/CARD-H"), rows);
            return 0;
        }

        static String fmt(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : String.format("%.2f", d);
        }
    }

    @Command(name = "tenants", mixinStandardHelpOptions = true,
            description = "List tenants and their quotas.")
    static final class Tenants implements Callable<Integer> {
        @Mixin
        ClientOptions c;

        @Override
        public Integer call() {
            boolean json = c.json();
            JsonNode items = c.client().get("/api/v1/tenants").get("items");
            if (json) {
                Output.json(items);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode t : items) {
                List<String> qs = new ArrayList<>();
                for (JsonNode q : t.get("quotas")) {
                    qs.add(Output.text(q, "accelerator") + "=" + Output.text(q, "nominal"));
                }
                rows.add(List.of(Output.text(t, "name"), Output.text(t, "weight"), Output.text(t, "region"),
                        qs.isEmpty() ? "-" : String.join(" ", qs)));
            }
            Output.table(List.of("TENANT", "WEIGHT", "REGION", "QUOTA (nominal cards)"), rows);
            return 0;
        }
    }

    @Command(name = "tenant", mixinStandardHelpOptions = true,
            description = "Manage tenants.", subcommands = {TenantCreate.class, TenantQuota.class})
    static final class Tenant implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new CliException("tenant: say what to do: create NAME [--quota MODEL=CARDS ...] or quota NAME ...", 2);
        }
    }

    static Map<String, Integer> quotas(List<String> specs) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String q : specs) {
            int eq = q.indexOf('=');
            if (eq <= 0) {
                throw new CliException("--quota: '" + q + "' is not MODEL=CARDS", 2);
            }
            try {
                int n = Integer.parseInt(q.substring(eq + 1).trim());
                m.put(q.substring(0, eq).trim(), n);
            } catch (NumberFormatException e) {
                throw new CliException("--quota: '" + q + "': CARDS must be a whole number", 2);
            }
        }
        return m;
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a tenant with nominal quotas per accelerator model.")
    static final class TenantCreate implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--quota", paramLabel = "MODEL=CARDS", description = "Nominal quota (repeatable)")
        List<String> quota = new ArrayList<>();
        @Option(names = "--weight", description = "Fair-share weight (default 1)")
        Double weight;
        @Option(names = "--region", description = "Home region (for network-aware placement)")
        String region;

        @Override
        public Integer call() {
            boolean json = c.json();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            if (weight != null) {
                body.put("weight", weight);
            }
            if (region != null) {
                body.put("region", region);
            }
            body.put("quota", quotas(quota));
            JsonNode t = c.client().post("/api/v1/tenants", body);
            if (json) {
                Output.json(t);
            } else {
                System.out.println("tenant " + Output.text(t, "name") + " created");
            }
            return 0;
        }
    }

    @Command(name = "quota", mixinStandardHelpOptions = true,
            description = "Replace a tenant's nominal quotas.")
    static final class TenantQuota implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Parameters(index = "0", paramLabel = "NAME")
        String name;
        @Option(names = "--quota", paramLabel = "MODEL=CARDS", required = true, description = "Nominal quota (repeatable)")
        List<String> quota = new ArrayList<>();

        @Override
        public Integer call() {
            boolean json = c.json();
            JsonNode t = c.client().put("/api/v1/tenants/" + name + "/quotas", Map.of("quota", quotas(quota)));
            if (json) {
                Output.json(t);
            } else {
                System.out.println("tenant " + Output.text(t, "name") + " quotas updated");
            }
            return 0;
        }
    }

    @Command(name = "token", mixinStandardHelpOptions = true,
            description = "Manage tokens.", subcommands = {TokenCreate.class})
    static final class Token implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new CliException("token: say what to do: create --tenant T --role admin|operator|member", 2);
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a token; it is printed once.")
    static final class TokenCreate implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Option(names = "--tenant", description = "Tenant of a member token")
        String tenant;
        @Option(names = "--role", required = true, description = "admin, operator or member")
        String role;
        @Option(names = "--name", description = "A label for the token")
        String name;

        @Override
        public Integer call() {
            boolean json = c.json();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("role", role);
            body.put("tenant", tenant);
            body.put("name", name);
            JsonNode t = c.client().post("/api/v1/tokens", body);
            if (json) {
                Output.json(Map.of("token", t.get("token").asString(), "id", t.get("id").asLong(),
                        "role", t.get("role").asString()));
            } else {
                System.out.println(t.get("token").asString());
            }
            return 0;
        }
    }
}
