package io.computegrid.server.federation;

import io.computegrid.config.FederationConfig;
import io.computegrid.model.BackendSpec;
import io.computegrid.model.Center;
import io.computegrid.model.Pool;
import io.computegrid.model.Quota;
import io.computegrid.model.Tenant;
import io.computegrid.model.Tier;
import io.computegrid.spec.Documents;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The federation as the server holds it: centers and pools declared in the config (authoritative
 * for centers), tenants and quotas in the database (seeded from the config when absent, then owned
 * by the API). {@link #current()} is an immutable view rebuilt after every change.
 */
public final class Federation {
    private final Jdbi jdbi;
    private final FederationConfig base;
    private volatile FederationConfig current;
    private final java.util.List<java.util.function.Consumer<FederationConfig>> listeners =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public Federation(Jdbi jdbi, FederationConfig base) {
        this.jdbi = jdbi;
        this.base = base;
    }

    public FederationConfig current() {
        return current;
    }

    /** Called with the new view after every reload (for subsystems that keep a copy, such as metering). */
    public void onReload(java.util.function.Consumer<FederationConfig> l) {
        listeners.add(l);
    }

    public FederationConfig base() {
        return base;
    }

    /** Writes the config's centers, pools and nodes, and creates its tenants that do not exist yet. */
    public void applyConfig() {
        jdbi.useTransaction(h -> {
            for (Center c : base.centers()) {
                h.createUpdate("""
                        INSERT INTO centers(name, region, tier, backend, green_share, pue, provider)
                        VALUES (:n, :r, :t, CAST(:b AS jsonb), :g, :p, :pr)
                        ON CONFLICT (name) DO UPDATE SET region = :r, tier = :t, backend = CAST(:b AS jsonb),
                            green_share = :g, pue = :p, provider = :pr""")
                        .bind("n", c.name()).bind("r", c.region()).bind("t", c.tier().name())
                        .bind("b", backendJson(c.backend())).bind("g", c.greenShare()).bind("p", c.pue())
                        .bind("pr", c.provider()).execute();
                for (Pool p : c.pools()) {
                    h.createUpdate("""
                            INSERT INTO pools(center, name, accelerator, nodes, cards_per_node, cpu_milli, memory_mib,
                                price_per_card_hour) VALUES (:c, :n, :a, :nodes, :cards, :cpu, :mem, :price)
                            ON CONFLICT (center, name) DO UPDATE SET accelerator = :a, nodes = :nodes,
                                cards_per_node = :cards, cpu_milli = :cpu, memory_mib = :mem, price_per_card_hour = :price""")
                            .bind("c", c.name()).bind("n", p.name()).bind("a", p.accelerator()).bind("nodes", p.nodes())
                            .bind("cards", p.acceleratorsPerNode()).bind("cpu", p.cpuMilliPerNode())
                            .bind("mem", p.memoryMiBPerNode()).bind("price", p.pricePerCardHour()).execute();
                    for (int i = 0; i < p.nodes(); i++) {
                        h.createUpdate("""
                                INSERT INTO nodes(name, center, pool, accelerator, cards, cpu_milli, memory_mib)
                                VALUES (:name, :c, :p, :a, :cards, :cpu, :mem)
                                ON CONFLICT (name) DO UPDATE SET accelerator = :a, cards = :cards, cpu_milli = :cpu,
                                    memory_mib = :mem""")
                                .bind("name", nodeName(c.name(), p.name(), i)).bind("c", c.name()).bind("p", p.name())
                                .bind("a", p.accelerator()).bind("cards", p.acceleratorsPerNode())
                                .bind("cpu", p.cpuMilliPerNode()).bind("mem", p.memoryMiBPerNode()).execute();
                    }
                    // nodes beyond the configured count leave the pool (a shrunk pool)
                    h.createUpdate("DELETE FROM nodes WHERE center = :c AND pool = :p AND name NOT IN (<names>)")
                            .bind("c", c.name()).bind("p", p.name())
                            .bindList("names", nodeNames(c.name(), p.name(), p.nodes()))
                            .execute();
                }
            }
            for (Tenant t : base.tenants()) {
                int created = h.createUpdate("INSERT INTO tenants(name, weight, region) VALUES (:n, :w, :r) "
                                + "ON CONFLICT (name) DO NOTHING")
                        .bind("n", t.name()).bind("w", t.weight()).bind("r", t.region()).execute();
                if (created > 0) {
                    for (Quota q : t.quotas()) {
                        putQuota(h, t.name(), q);
                    }
                }
            }
        });
        reload();
    }

    private static List<String> nodeNames(String center, String pool, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(nodeName(center, pool, i));
        }
        if (out.isEmpty()) {
            out.add("\u0000none");
        }
        return out;
    }

    public static String nodeName(String center, String pool, int i) {
        return center + "-" + pool + "-" + i;
    }

    public static void putQuota(Handle h, String tenant, Quota q) {
        h.createUpdate("""
                INSERT INTO quotas(tenant, accelerator, nominal, borrowing_limit, lending_limit)
                VALUES (:t, :a, :n, :b, :l)
                ON CONFLICT (tenant, accelerator) DO UPDATE SET nominal = :n, borrowing_limit = :b, lending_limit = :l""")
                .bind("t", tenant).bind("a", q.accelerator()).bind("n", q.nominal())
                .bind("b", q.borrowingLimit()).bind("l", q.lendingLimit()).execute();
    }

    /** Rebuilds {@link #current()} from the database. */
    public synchronized void reload() {
        FederationConfig f = jdbi.withHandle(h -> {
            Map<String, List<Quota>> quotas = new LinkedHashMap<>();
            h.createQuery("SELECT tenant, accelerator, nominal, borrowing_limit, lending_limit FROM quotas ORDER BY tenant, accelerator")
                    .map((rs, ctx) -> {
                        Integer b = (Integer) rs.getObject("borrowing_limit");
                        Integer l = (Integer) rs.getObject("lending_limit");
                        quotas.computeIfAbsent(rs.getString("tenant"), k -> new ArrayList<>())
                                .add(new Quota(rs.getString("accelerator"), rs.getInt("nominal"), b, l));
                        return 0;
                    }).list();
            List<Tenant> tenants = h.createQuery("SELECT name, weight, region FROM tenants ORDER BY name")
                    .map((rs, ctx) -> new Tenant(rs.getString("name"), rs.getDouble("weight"), rs.getString("region"),
                            quotas.getOrDefault(rs.getString("name"), List.of())))
                    .list();
            Map<String, List<Pool>> pools = new LinkedHashMap<>();
            h.createQuery("SELECT * FROM pools ORDER BY center, name").map((rs, ctx) -> {
                pools.computeIfAbsent(rs.getString("center"), k -> new ArrayList<>()).add(new Pool(rs.getString("name"),
                        rs.getString("accelerator"), rs.getInt("nodes"), rs.getInt("cards_per_node"),
                        rs.getInt("cpu_milli"), rs.getLong("memory_mib"), rs.getBigDecimal("price_per_card_hour")));
                return 0;
            }).list();
            List<Center> centers = h.createQuery("SELECT * FROM centers ORDER BY name").map((rs, ctx) -> new Center(
                    rs.getString("name"), rs.getString("region"), Tier.valueOf(rs.getString("tier")),
                    parseBackend(rs.getString("backend")), pools.getOrDefault(rs.getString("name"), List.of()),
                    rs.getDouble("green_share"), rs.getDouble("pue"), rs.getString("provider"))).list();
            Map<String, tools.jackson.databind.JsonNode> sections = new LinkedHashMap<>(base.sections());
            h.createQuery("SELECT key, value FROM settings WHERE key LIKE 'section.%'").map((rs, ctx) -> {
                sections.put(rs.getString("key").substring("section.".length()),
                        Documents.json().readTree(rs.getString("value")));
                return 0;
            }).list();
            return new FederationConfig(base.catalog(), centers, tenants, base.priorityClasses(), base.currency(),
                    sections);
        });
        current = f;
        for (var l : listeners) {
            l.accept(f);
        }
    }

    /** Sections an operator may replace at run time (validated by the caller before). */
    public static final java.util.Set<String> RUNTIME_SECTIONS = java.util.Set.of("scheduler", "network");

    /** Replaces a config section at run time; it overrides the file's until replaced again. */
    public void putSection(String name, tools.jackson.databind.JsonNode value) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO settings(key, value) VALUES (:k, :v) "
                        + "ON CONFLICT (key) DO UPDATE SET value = :v")
                .bind("k", "section." + name).bind("v", Documents.json().writeValueAsString(value)).execute());
        reload();
    }

    static String backendJson(BackendSpec b) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("type", b.type());
        m.putAll(b.settings());
        return Documents.json().writeValueAsString(m);
    }

    static BackendSpec parseBackend(String json) {
        Map<String, String> m = new LinkedHashMap<>();
        Documents.json().readTree(json).properties().forEach(e -> m.put(e.getKey(), e.getValue().asString()));
        String type = m.remove("type");
        return new BackendSpec(type, m);
    }
}
