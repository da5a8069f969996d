package io.computegrid.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * A Kubernetes center whose pools are discovered, against fabric8's mock API server (CRUD mode: no real API
 * server can run on this machine) reached through a kubeconfig, as a real cluster would be. A node the cluster
 * scales away takes no more work: before, it stayed schedulable with its last cards.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesCenterTest {
    static KubernetesClient client;
    @TempDir
    Path dir;

    static Node node(String name) {
        return new NodeBuilder().withNewMetadata().withName(name)
                .withLabels(Map.of("computegrid.io/accelerator", "nvidia-a100", "computegrid.io/pool", "a100"))
                .endMetadata().withNewStatus().addToAllocatable("cpu", new Quantity("32"))
                .addToAllocatable("memory", new Quantity("128Gi")).addToAllocatable("nvidia.com/gpu", new Quantity("4"))
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build();
    }

    @Test
    void aNodeTheClusterNoLongerListsTakesNoMoreWork() throws Exception {
        client.nodes().resource(node("gpu-a")).create();
        client.nodes().resource(node("gpu-b")).create();
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: mock, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                users: [{name: grid, user: {token: test}}]
                contexts: [{name: mock, context: {cluster: mock, user: grid, namespace: grid}}]
                current-context: mock
                """.formatted(client.getMasterUrl()));
        Path config = dir.resolve("fed.yaml");
        Files.writeString(config, """
                centers:
                  - name: kube
                    backend: {type: kubernetes, kubeconfig: "%s", namespace: grid}
                tenants:
                  - name: acme
                    quota: {nvidia-a100: 8}
                health: {checkInterval: 1s}
                """.formatted(kubeconfig));
        try (TestServer s = new TestServer(dir.resolve("data"), config)) {
            String admin = s.adminToken();
            awaitCards(s, admin, 8);
            client.nodes().withName("gpu-b").delete(); // the cluster autoscaler removed it
            awaitCards(s, admin, 4);
            assertThat(schedulable(s, "kube-gpu-b")).isFalse();
            assertThat(schedulable(s, "kube-gpu-a")).isTrue();
            client.nodes().resource(node("gpu-b")).create(); // and brought it back
            awaitCards(s, admin, 8);
        }
    }

    private static boolean schedulable(TestServer s, String node) {
        return s.server.database().jdbi().withHandle(h -> h.createQuery("SELECT schedulable FROM nodes WHERE name = :n")
                .bind("n", node).mapTo(Boolean.class).one());
    }

    /** Waits until the kube center's a100 pool offers this many cards. */
    private static void awaitCards(TestServer s, String admin, long cards) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        String last = null;
        while (System.nanoTime() < deadline) {
            for (JsonNode c : s.call("GET", "/api/v1/centers", admin, null).json().get("items")) {
                if (c.get("name").asString().equals("kube")) {
                    last = c.toString();
                    for (JsonNode p : c.get("pools")) {
                        if (p.get("name").asString().equals("a100") && p.get("cards").asLong() == cards) {
                            return;
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("center kube never offered " + cards + " cards; last: " + last);
    }
}
