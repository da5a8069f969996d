package io.computegrid.server.api;

import io.computegrid.config.FederationConfigParser;
import io.computegrid.metering.Metering;
import io.computegrid.metering.price.Rate;
import io.computegrid.model.Center;
import io.computegrid.model.Pool;
import io.computegrid.model.Quota;
import io.computegrid.model.Role;
import io.computegrid.model.Tenant;
import io.computegrid.server.auth.Principal;
import io.computegrid.server.auth.TokenService;
import io.computegrid.server.federation.Federation;
import io.computegrid.spec.Fields;
import io.computegrid.spec.SpecException;
import io.javalin.config.RoutesConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Centers, tenants and quotas, tokens. Changes take effect at the next scheduling cycle, without restart. */
public final class AdminRoutes implements RouteModule {
    private final Metering metering;

    /** Pools show the price book's rate through {@code metering}, not only their configured list price. */
    public AdminRoutes(Metering metering) {
        this.metering = metering;
    }

    @Override
    public void register(RoutesConfig r, ApiContext api) {
        r.get("/api/v1/centers", ctx -> {
            Api.principal(ctx);
            Json.ok(ctx, Json.map("items", centers(api)));
        });
        r.get("/api/v1/tenants", ctx -> {
            Principal who = Api.principal(ctx);
            List<Map<String, Object>> items = new ArrayList<>();
            for (Tenant t : api.federation().current().tenants()) {
                if (who.canAccessTenant(t.name())) {
                    items.add(tenant(t));
                }
            }
            Json.ok(ctx, Json.map("items", items));
        });
        r.get("/api/v1/tenants/{name}", ctx -> {
            Principal who = Api.principal(ctx);
            String name = ctx.pathParam("name");
            Tenant t = api.federation().current().tenants().stream()
                    .filter(x -> x.name().equals(name) && who.canAccessTenant(name)).findFirst()
                    .orElseThrow(() -> ApiException.notFound("no tenant " + Api.clip(name)));
            Json.ok(ctx, tenant(t));
        });
        r.post("/api/v1/tenants", ctx -> {
            Api.operator(ctx);
            Tenant t = parseTenant(Json.body(ctx), api);
            boolean created = api.jdbi().inTransaction(h -> {
                int n = h.createUpdate("INSERT INTO tenants(name, weight, region) VALUES (:n, :w, :r) "
                                + "ON CONFLICT (name) DO NOTHING")
                        .bind("n", t.name()).bind("w", t.weight()).bind("r", t.region()).execute();
                if (n == 0) {
                    return false;
                }
                for (Quota q : t.quotas()) {
                    Federation.putQuota(h, t.name(), q);
                }
                return true;
            });
            if (!created) {
                throw ApiException.conflict("tenant '" + t.name() + "' already exists");
            }
            api.federation().reload();
            api.scheduling().wake();
            Json.send(ctx, 201, tenant(t));
        });
        r.put("/api/v1/tenants/{name}/quotas", ctx -> {
            Api.operator(ctx);
            String name = ctx.pathParam("name");
            if (api.federation().current().tenants().stream().noneMatch(x -> x.name().equals(name))) {
                throw ApiException.notFound("no tenant " + Api.clip(name));
            }
            JsonNode body = Json.body(ctx);
            if (!body.isObject()) {
                throw ApiException.badRequest("body: must be an object with quota or quotas");
            }
            ObjectNode doc = ((ObjectNode) body.deepCopy()).put("name", name);
            Tenant t = parseTenant(doc, api);
            api.jdbi().useTransaction(h -> {
                h.createUpdate("DELETE FROM quotas WHERE tenant = :t").bind("t", name).execute();
                for (Quota q : t.quotas()) {
                    Federation.putQuota(h, name, q);
                }
            });
            api.federation().reload();
            api.scheduling().wake();
            Json.ok(ctx, tenant(api.federation().current().tenants().stream()
                    .filter(x -> x.name().equals(name)).findFirst().orElseThrow()));
        });
        r.put("/api/v1/tenants/{name}", ctx -> {
            Api.operator(ctx);
            String name = ctx.pathParam("name");
            Tenant old = api.federation().current().tenants().stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseThrow(() -> ApiException.notFound("no tenant " + Api.clip(name)));
            Fields f = new Fields(Json.body(ctx), "");
            double weight;
            String region;
            try {
                f.rejectUnknown(Set.of("weight", "region"));
                weight = f.number("weight", old.weight(), 0.0001, 1_000_000);
                region = f.string("region", old.region());
                new Tenant(name, weight, region, old.quotas());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            api.jdbi().useHandle(h -> h.createUpdate("UPDATE tenants SET weight = :w, region = :r WHERE name = :n")
                    .bind("w", weight).bind("r", region).bind("n", name).execute());
            api.federation().reload();
            api.scheduling().wake();
            Json.ok(ctx, tenant(api.federation().current().tenants().stream()
                    .filter(x -> x.name().equals(name)).findFirst().orElseThrow()));
        });
        r.get("/api/v1/settings/{section}", ctx -> {
            Api.operator(ctx);
            String section = runtimeSection(ctx);
            Json.ok(ctx, api.federation().current().section(section).orElse(Json.MAPPER.createObjectNode()));
        });
        r.put("/api/v1/settings/{section}", ctx -> {
            Api.operator(ctx);
            String section = runtimeSection(ctx);
            JsonNode body = Json.body(ctx);
            var cur = api.federation().current();
            var sections = new java.util.HashMap<>(cur.sections());
            sections.put(section, body);
            try {
                io.computegrid.scheduler.SchedulerSettings.of(new io.computegrid.config.FederationConfig(cur.catalog(),
                        cur.centers(), cur.tenants(), cur.priorityClasses(), cur.currency(), sections));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            api.federation().putSection(section, body);
            api.scheduling().wake();
            Json.ok(ctx, body);
        });
        r.post("/api/v1/tokens", ctx -> {
            Principal who = Api.operator(ctx);
            Fields f = new Fields(Json.body(ctx), "");
            Role role;
            String tenant;
            try {
                f.rejectUnknown(Set.of("tenant", "role", "name"));
                role = Role.parse(f.string("role", "member"));
                tenant = f.string("tenant", null);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            if (role != Role.MEMBER && !who.isAdmin()) {
                throw ApiException.forbidden("only admins create " + role.label() + " tokens");
            }
            if (role == Role.MEMBER && tenant == null) {
                throw ApiException.badRequest("tenant: required for a member token");
            }
            if (tenant != null && api.federation().current().tenants().stream().noneMatch(t -> t.name().equals(tenant))) {
                throw ApiException.unprocessable("tenant: unknown tenant '" + Api.clip(tenant) + "'");
            }
            TokenService.Issued issued = api.tokens().create(role, tenant, f.string("name", null));
            Json.send(ctx, 201, Json.map("id", issued.id(), "token", issued.token(), "role", role.label(),
                    "tenant", tenant));
        });
    }

    private static String runtimeSection(io.javalin.http.Context ctx) {
        String s = ctx.pathParam("section");
        if (!Federation.RUNTIME_SECTIONS.contains(s)) {
            throw ApiException.notFound("no runtime setting section " + Api.clip(s) + "; known: "
                    + String.join(", ", new java.util.TreeSet<>(Federation.RUNTIME_SECTIONS)));
        }
        return s;
    }

    private static Tenant parseTenant(JsonNode doc, ApiContext api) {
        try {
            return FederationConfigParser.parseTenant(doc, api.federation().current().catalog());
        } catch (SpecException e) {
            throw ApiException.badRequest(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    static Map<String, Object> tenant(Tenant t) {
        List<Map<String, Object>> quotas = new ArrayList<>();
        for (Quota q : t.quotas()) {
            quotas.add(Json.map("accelerator", q.accelerator(), "nominal", q.nominal(),
                    "borrowingLimit", q.borrowingLimit(), "lendingLimit", q.lendingLimit()));
        }
        return Json.map("name", t.name(), "weight", t.weight(), "region", t.region(), "quotas", quotas);
    }

    private List<Map<String, Object>> centers(ApiContext api) {
        Map<String, double[]> usage = new HashMap<>(); // center/pool -> [schedulable cards, used]
        Map<String, String[]> status = new HashMap<>();
        api.jdbi().useHandle(h -> {
            h.createQuery("""
                    SELECT n.center, n.pool, sum(n.cards) FILTER (WHERE n.schedulable) AS cards,
                           COALESCE(sum(a.milli), 0) / 1000.0 AS used
                    FROM nodes n LEFT JOIN (SELECT node, sum(milli) AS milli FROM card_allocations GROUP BY node) a
                        ON a.node = n.name GROUP BY n.center, n.pool""").map((rs, c) -> {
                usage.put(rs.getString("center") + "/" + rs.getString("pool"),
                        new double[]{rs.getDouble("cards"), rs.getDouble("used")});
                return 0;
            }).list();
            h.createQuery("SELECT name, status, status_reason FROM centers").map((rs, c) -> {
                status.put(rs.getString("name"), new String[]{rs.getString("status"), rs.getString("status_reason")});
                return 0;
            }).list();
        });
        List<Map<String, Object>> out = new ArrayList<>();
        for (Center c : api.federation().current().centers()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", c.name());
            m.put("region", c.region());
            m.put("tier", c.tier().label());
            m.put("backend", c.backend().type());
            String[] st = status.getOrDefault(c.name(), new String[]{"UP", null});
            m.put("status", st[0]);
            m.put("statusReason", st[1]);
            m.put("greenShare", c.greenShare());
            m.put("pue", c.pue());
            m.put("provider", c.provider());
            List<Map<String, Object>> pools = new ArrayList<>();
            for (Pool p : c.pools()) {
                double[] u = usage.getOrDefault(c.name() + "/" + p.name(), new double[]{0, 0});
                var acc = api.federation().current().catalog().find(p.accelerator());
                // agent and discovered pools have no list price: their price is a price-book entry
                Rate rate = metering.rateNow(c.name(), p.name(), p.accelerator());
                pools.add(Json.map("name", p.name(), "accelerator", p.accelerator(), "nodes", p.nodes(),
                        "acceleratorsPerNode", p.acceleratorsPerNode(), "cpuPerNode", p.cpuMilliPerNode() / 1000.0,
                        "memoryMiBPerNode", p.memoryMiBPerNode(), "pricePerCardHour", p.pricePerCardHour(),
                        "onDemandPerCardHour", rate.cardHour(), "priceBasis", rate.basis(),
                        "fp16TflopsPerCard", acc.map(a -> a.fp16Tflops()).orElse(null),
                        "cards", (long) u[0], "allocated", u[1], "idle", u[0] - u[1]));
            }
            m.put("pools", pools);
            out.add(m);
        }
        return out;
    }
}
