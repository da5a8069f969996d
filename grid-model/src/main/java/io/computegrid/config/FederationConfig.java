package io.computegrid.config;

import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.Center;
import io.computegrid.model.Tenant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The validated, immutable federation: accelerator catalog, centers with pools, tenants with
 * quotas, priority classes and currency. Sections that belong to one subsystem (for example
 * {@code scheduler}, {@code network}, {@code prices}) are kept as documents for that subsystem
 * to validate; see {@link FederationConfigParser#SECTIONS}.
 */
public record FederationConfig(AcceleratorCatalog catalog, List<Center> centers, List<Tenant> tenants,
                               List<PriorityClass> priorityClasses, String currency,
                               Map<String, JsonNode> sections) {
    public static final List<PriorityClass> DEFAULT_PRIORITIES = List.of(
            new PriorityClass("high", 1000, false), new PriorityClass("normal", 100, false),
            new PriorityClass("low", 10, false), new PriorityClass("spot", 0, true));

    public FederationConfig {
        centers = List.copyOf(centers);
        tenants = List.copyOf(tenants);
        priorityClasses = List.copyOf(priorityClasses.isEmpty() ? DEFAULT_PRIORITIES : priorityClasses);
        currency = currency == null ? "CNY" : currency;
        sections = Map.copyOf(sections);
    }

    public static FederationConfig empty() {
        return new FederationConfig(AcceleratorCatalog.defaults(), List.of(), List.of(), List.of(), "CNY", Map.of());
    }

    public Optional<PriorityClass> priority(String name) {
        return priorityClasses.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    public Optional<Center> center(String name) {
        return centers.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    public Optional<JsonNode> section(String name) {
        return Optional.ofNullable(sections.get(name));
    }
}
