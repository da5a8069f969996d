package io.computegrid.config;

import io.computegrid.model.Accelerator;
import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.BackendSpec;
import io.computegrid.model.Center;
import io.computegrid.model.Pool;
import io.computegrid.model.Quota;
import io.computegrid.model.Tenant;
import io.computegrid.model.Tier;
import io.computegrid.spec.Documents;
import io.computegrid.spec.Fields;
import io.computegrid.spec.Quantities;
import io.computegrid.spec.SpecException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * Reads a federation file (the simulator's {@code --federation} and the server's {@code --config}):
 * validated once, with errors that name the field path.
 */
public final class FederationConfigParser {
    /** Sections owned by subsystems; parsed by them, only carried here. */
    public static final Set<String> SECTIONS = Set.of("scheduler", "network", "prices", "metering", "datasets", "health");
    private static final Set<String> TOP = new LinkedHashSet<>(List.of("accelerators", "centers", "tenants",
            "priorityClasses", "currency", "scheduler", "network", "prices", "metering", "datasets", "health"));

    private FederationConfigParser() {
    }

    public static FederationConfig parse(String text, String source) {
        try {
            return parse(Documents.parse(text, source));
        } catch (SpecException e) {
            throw new SpecException("", source + ": " + e.getMessage());
        }
    }

    public static FederationConfig parse(JsonNode doc) {
        Fields f = new Fields(doc, "");
        f.rejectUnknown(TOP);
        List<Accelerator> extra = new ArrayList<>();
        for (Fields a : f.objects("accelerators")) {
            a.rejectUnknown(Set.of("model", "vendor", "fp16Tflops", "visibleDevicesEnv"));
            extra.add(a.build(() -> new Accelerator(a.requiredString("model"), a.string("vendor", null),
                    a.number("fp16Tflops", 0, 0, 1e6), a.string("visibleDevicesEnv", null))));
        }
        AcceleratorCatalog catalog = AcceleratorCatalog.defaults().with(extra);
        List<Center> centers = new ArrayList<>();
        Set<String> centerNames = new HashSet<>();
        for (Fields c : f.objects("centers")) {
            Center center = center(c, catalog);
            if (!centerNames.add(center.name())) {
                throw new SpecException(c.path("name"), "duplicate center '" + center.name() + "'");
            }
            centers.add(center);
        }
        List<PriorityClass> priorities = new ArrayList<>();
        for (Fields p : f.objects("priorityClasses")) {
            p.rejectUnknown(Set.of("name", "value", "preemptible"));
            priorities.add(p.build(() -> new PriorityClass(p.requiredString("name"),
                    (int) p.integer("value", 0, 0, 1_000_000), p.bool("preemptible", false))));
        }
        List<Tenant> tenants = new ArrayList<>();
        Set<String> tenantNames = new HashSet<>();
        for (Fields t : f.objects("tenants")) {
            Tenant tenant = tenant(t, catalog);
            if (!tenantNames.add(tenant.name())) {
                throw new SpecException(t.path("name"), "duplicate tenant '" + tenant.name() + "'");
            }
            tenants.add(tenant);
        }
        String currency = f.string("currency", "CNY");
        if (!currency.matches("[A-Z]{3}")) {
            throw new SpecException("currency", "must be a three-letter ISO 4217 code such as CNY");
        }
        Map<String, JsonNode> sections = new HashMap<>();
        for (String s : SECTIONS) {
            if (f.has(s)) {
                sections.put(s, f.raw(s));
            }
        }
        return new FederationConfig(catalog, centers, tenants, priorities, currency, sections);
    }

    private static Center center(Fields c, AcceleratorCatalog catalog) {
        c.rejectUnknown(Set.of("name", "region", "tier", "backend", "pools", "greenShare", "pue", "provider"));
        String name = c.requiredString("name");
        BackendSpec backend = BackendSpec.LOCAL;
        Fields b = c.object("backend");
        if (b != null) {
            Map<String, String> settings = new LinkedHashMap<>(b.asStringMap());
            String type = settings.remove("type");
            if (type == null || !Set.of("local", "slurm", "kubernetes", "agent").contains(type)) {
                throw new SpecException(b.path("type"), "must be one of local, slurm, kubernetes, agent");
            }
            backend = new BackendSpec(type, settings);
        }
        List<Pool> pools = new ArrayList<>();
        for (Fields p : c.objects("pools")) {
            p.rejectUnknown(Set.of("name", "accelerator", "nodes", "acceleratorsPerNode", "cpu", "memory",
                    "pricePerCardHour"));
            String model = p.requiredString("accelerator");
            if (!catalog.contains(model)) {
                throw new SpecException(p.path("accelerator"), "unknown accelerator model '" + model
                        + "' (declare it under accelerators:)");
            }
            int cpu = Quantities.milli(p.raw("cpu"), p.path("cpu"), 64_000, 100_000);
            long mem = p.has("memory") ? Quantities.memoryMiB(p.raw("memory"), p.path("memory")) : 512L * 1024;
            pools.add(p.build(() -> new Pool(p.requiredString("name"), model,
                    (int) p.integer("nodes", -1, 0, 100_000), (int) p.integer("acceleratorsPerNode", 8, 0, 64),
                    cpu, mem, p.decimal("pricePerCardHour", BigDecimal.ZERO, BigDecimal.ZERO,
                            BigDecimal.valueOf(1_000_000)))));
        }
        if (pools.isEmpty() && "local".equals(backend.type())) {
            throw new SpecException(c.path("pools"), "a local center needs at least one pool");
        }
        if (!pools.isEmpty() && "agent".equals(backend.type())) {
            throw new SpecException(c.path("pools"), "an agent center's pools come from the agents that join it; "
                    + "remove pools (prices go under prices: with center and model)");
        }
        BackendSpec be = backend;
        return c.build(() -> new Center(name, c.string("region", null),
                c.has("tier") ? Tier.parse(c.string("tier", "cloud")) : Tier.CLOUD, be, pools,
                c.number("greenShare", 0, 0, 1), c.number("pue", 1.3, 1, 5), c.string("provider", null)));
    }

    /** One tenant as in the {@code tenants} section (also the body of the tenant API). */
    public static Tenant parseTenant(JsonNode doc, AcceleratorCatalog catalog) {
        return tenant(new Fields(doc, ""), catalog);
    }

    private static Tenant tenant(Fields t, AcceleratorCatalog catalog) {
        t.rejectUnknown(Set.of("name", "weight", "region", "quota", "quotas"));
        String name = t.requiredString("name");
        List<Quota> quotas = new ArrayList<>();
        Map<String, String> nominal = t.stringMap("quota");
        for (Map.Entry<String, String> e : nominal.entrySet()) {
            checkModel(catalog, e.getKey(), t.path("quota." + e.getKey()));
            int cards;
            try {
                cards = Integer.parseInt(e.getValue().trim());
            } catch (NumberFormatException ex) {
                throw new SpecException(t.path("quota." + e.getKey()), "must be a whole number of cards");
            }
            int n = cards;
            quotas.add(t.build(() -> Quota.nominal(e.getKey(), n)));
        }
        for (Fields q : t.objects("quotas")) {
            q.rejectUnknown(Set.of("accelerator", "nominal", "borrowingLimit", "lendingLimit"));
            String model = q.requiredString("accelerator");
            checkModel(catalog, model, q.path("accelerator"));
            Integer borrow = q.has("borrowingLimit") ? (int) q.integer("borrowingLimit", 0, 0, 10_000_000) : null;
            Integer lend = q.has("lendingLimit") ? (int) q.integer("lendingLimit", 0, 0, 10_000_000) : null;
            quotas.add(q.build(() -> new Quota(model, (int) q.integer("nominal", 0, 0, 10_000_000), borrow, lend)));
        }
        Set<String> models = new HashSet<>();
        for (Quota q : quotas) {
            if (!models.add(q.accelerator())) {
                throw new SpecException(t.path("quota"), "model '" + q.accelerator() + "' has two quotas");
            }
        }
        return t.build(() -> new Tenant(name, t.number("weight", 1, 0.0001, 1_000_000), t.string("region", null),
                quotas));
    }

    private static void checkModel(AcceleratorCatalog catalog, String model, String path) {
        if (!Quota.NORMALISED.equals(model) && !catalog.contains(model)) {
            throw new SpecException(path, "unknown accelerator model '" + model + "'");
        }
    }
}
