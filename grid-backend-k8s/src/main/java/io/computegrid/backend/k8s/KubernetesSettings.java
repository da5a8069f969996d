package io.computegrid.backend.k8s;

import io.computegrid.model.BackendSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes center's settings, validated once: {@code kubeconfig} (path; default: the usual discovery),
 * {@code context}, {@code namespace} (default {@code default}), {@code image} (the tasks' container image),
 * {@code resource.MODEL=NAME} (extended resource per accelerator model; nvidia-* → nvidia.com/gpu and
 * ascend-* → huawei.com/Ascend910 by default), {@code label.KEY=VALUE} and {@code annotation.KEY=VALUE} (added to
 * Jobs and pods, e.g. {@code label.kueue.x-k8s.io/queue-name=team-a}), {@code schedulerName} (e.g. volcano),
 * {@code accelerator} (model of nodes without a model label), {@code pollInterval} (2s).
 */
public record KubernetesSettings(String kubeconfig, String context, String namespace, String image,
                                 Map<String, String> resources, Map<String, String> labels, Map<String, String> annotations,
                                 String schedulerName, String accelerator, Duration pollInterval) {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");
    private static final Pattern DNS = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public static KubernetesSettings from(String center, BackendSpec spec) {
        String where = "center " + center + ": backend kubernetes: ";
        Map<String, String> resources = new LinkedHashMap<>();
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : spec.settings().entrySet()) {
            String k = e.getKey();
            if (k.startsWith("resource.")) {
                resources.put(k.substring("resource.".length()), e.getValue().trim());
            } else if (k.startsWith("label.")) {
                labels.put(k.substring("label.".length()), e.getValue().trim());
            } else if (k.startsWith("annotation.")) {
                annotations.put(k.substring("annotation.".length()), e.getValue().trim());
            } else if (!java.util.Set.of("type", "kubeconfig", "context", "namespace", "image", "schedulerName",
                    "accelerator", "pollInterval").contains(k)) {
                throw new IllegalArgumentException(where + "unknown setting '" + k + "' (known: kubeconfig, context, namespace, image, "
                        + "schedulerName, accelerator, pollInterval, resource.MODEL, label.KEY, annotation.KEY)");
            }
        }
        String ns = spec.setting("namespace", "default");
        if (!DNS.matcher(ns).matches()) {
            throw new IllegalArgumentException(where + "namespace '" + ns + "' is not a Kubernetes name");
        }
        String poll = spec.setting("pollInterval", "2s").trim();
        Matcher m = DURATION.matcher(poll);
        if (!m.matches()) {
            throw new IllegalArgumentException(where + "pollInterval '" + poll + "' must be a duration such as 500ms or 2s");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.toMillis() < 50) {
            throw new IllegalArgumentException(where + "pollInterval '" + poll + "' is shorter than 50ms");
        }
        return new KubernetesSettings(spec.settings().get("kubeconfig"), spec.settings().get("context"), ns,
                spec.setting("image", "ubuntu:24.04"), Map.copyOf(resources), Map.copyOf(labels), Map.copyOf(annotations),
                spec.settings().get("schedulerName"), spec.setting("accelerator", "nvidia-a100"), d);
    }

    /** The extended resource that stands for one card of {@code model}. */
    public String resourceFor(String model) {
        if (model == null) {
            return null;
        }
        String r = resources.get(model);
        if (r != null) {
            return r;
        }
        if (model.startsWith("ascend-")) {
            return "huawei.com/Ascend910";
        }
        return "nvidia.com/gpu";
    }

    /** Every resource name that may stand for cards here. */
    java.util.Set<String> cardResources() {
        java.util.Set<String> all = new java.util.LinkedHashSet<>(resources.values());
        all.add("nvidia.com/gpu");
        all.add("huawei.com/Ascend910");
        return all;
    }
}
