package io.computegrid.spec;

import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.AcceleratorChoice;
import io.computegrid.model.Names;
import io.computegrid.model.TaskResources;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * The fields every workload shares, jobs and services alike: name, tenant, priority, resources per task
 * (or replica), command, env and centers. One strict reader, so a job and a service reject the same bad
 * input with the same message.
 */
public final class WorkloadFields {
    public static final Set<String> RESOURCES = new LinkedHashSet<>(List.of("accelerator", "count", "cpu", "memory"));
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final int MAX_ARGS = 1024;
    private static final int MAX_ARG_LENGTH = 64 * 1024;

    private final AcceleratorCatalog catalog;

    public WorkloadFields(AcceleratorCatalog catalog) {
        this.catalog = catalog;
    }

    /** The required {@code name}, in the safe alphabet of {@link Names}. */
    public static String name(Fields f) {
        String name = f.requiredString("name");
        if (!Names.isValid(name)) {
            throw new SpecException("name", "'" + Quantities.clip(name)
                    + "' is invalid: use 1-63 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    /** The optional {@code tenant} (null: the token's own tenant). */
    public static String tenant(Fields f) {
        String tenant = f.string("tenant", null);
        if (tenant != null && !Names.isValid(tenant)) {
            throw new SpecException("tenant", "is not a valid tenant name");
        }
        return tenant;
    }

    public static String priority(Fields f) {
        return f.string("priority", "normal");
    }

    /** The required {@code resources} object: accepted models, cards (milli), CPU (milli) and memory. */
    public TaskResources resources(Fields f) {
        Fields r = f.object("resources");
        if (r == null) {
            throw new SpecException("resources", "is required (accelerator, count, cpu, memory)");
        }
        r.rejectUnknown(RESOURCES);
        List<AcceleratorChoice> models = accelerators(r.raw("accelerator"), r.path("accelerator"));
        int milliCards = Quantities.milli(r.raw("count"), r.path("count"), models.isEmpty() ? 0 : 1000, 64);
        if (milliCards > 1000 && milliCards % 1000 != 0) {
            throw new SpecException(r.path("count"), "above 1 must be a whole number of cards");
        }
        if (milliCards > 0 && models.isEmpty()) {
            throw new SpecException(r.path("accelerator"), "is required when count is above 0");
        }
        int cpu = Quantities.milli(r.raw("cpu"), r.path("cpu"), 1000, 1024);
        long mem = Quantities.memoryMiB(r.raw("memory"), r.path("memory"));
        return r.build(() -> new TaskResources(models, milliCards, cpu, mem));
    }

    /** The user's environment; GRID_ variables belong to the platform. */
    public static Map<String, String> env(Fields f) {
        Map<String, String> env = f.stringMap("env");
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!ENV_NAME.matcher(e.getKey()).matches()) {
                throw new SpecException("env." + e.getKey(), "is not a valid environment variable name");
            }
            if (e.getKey().startsWith("GRID_")) {
                throw new SpecException("env." + e.getKey(), "GRID_ variables are set by the platform");
            }
            if (e.getValue().length() > MAX_ARG_LENGTH || e.getValue().indexOf('\0') >= 0) {
                throw new SpecException("env." + e.getKey(), "value is too long or holds a NUL byte");
            }
        }
        return env;
    }

    /** Centers the workload may run in (empty: any), each a valid name. */
    public static List<String> centers(Fields f) {
        List<String> centers = f.strings("centers");
        for (String c : centers) {
            if (!Names.isValid(c)) {
                throw new SpecException("centers", "'" + Quantities.clip(c) + "' is not a valid center name");
            }
        }
        return centers;
    }

    /** The required argv list: never given to a shell. */
    public static List<String> command(JsonNode v) {
        if (v == null || v.isNull()) {
            throw new SpecException("command", "is required: a list of strings such as [\"sh\", \"-c\", \"echo hi\"]");
        }
        if (!v.isArray() || v.isEmpty()) {
            throw new SpecException("command", "must be a non-empty list of strings");
        }
        if (v.size() > MAX_ARGS) {
            throw new SpecException("command", "has more than " + MAX_ARGS + " arguments");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode a = v.get(i);
            if (!a.isString()) {
                throw new SpecException("command[" + i + "]", "must be a string");
            }
            String s = a.asString();
            if (s.length() > MAX_ARG_LENGTH || s.indexOf('\0') >= 0) {
                throw new SpecException("command[" + i + "]", "is too long or holds a NUL byte");
            }
            out.add(s);
        }
        if (out.get(0).isBlank()) {
            throw new SpecException("command[0]", "must name a program");
        }
        return out;
    }

    private List<AcceleratorChoice> accelerators(JsonNode v, String path) {
        List<AcceleratorChoice> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        List<JsonNode> items = new ArrayList<>();
        if (v.isArray()) {
            v.forEach(items::add);
            if (items.isEmpty()) {
                throw new SpecException(path, "must name at least one model");
            }
        } else {
            items.add(v);
        }
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            String p = v.isArray() ? path + "[" + i + "]" : path;
            String model;
            Double speed = null;
            if (item.isString()) {
                model = item.asString();
            } else if (item.isObject()) {
                Fields o = new Fields(item, p);
                o.rejectUnknown(Set.of("model", "speed"));
                model = o.requiredString("model");
                speed = o.has("speed") ? o.number("speed", 1, 0.001, 1000) : null;
            } else {
                throw new SpecException(p, "must be a model name or {model, speed}");
            }
            if (!catalog.contains(model)) {
                throw new SpecException(p, "unknown accelerator model '" + Quantities.clip(model) + "'; known: "
                        + String.join(", ", catalog.all().stream().map(a -> a.model()).toList()));
            }
            String m = model;
            if (out.stream().anyMatch(a -> a.model().equals(m))) {
                throw new SpecException(p, "model '" + model + "' is listed twice");
            }
            Double s = speed;
            out.add(new Fields(Documents.json().createObjectNode().put("model", m), p)
                    .build(() -> new AcceleratorChoice(m, s)));
        }
        return out;
    }
}
