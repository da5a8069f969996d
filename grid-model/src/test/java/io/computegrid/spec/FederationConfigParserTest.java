package io.computegrid.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.FederationConfigParser;
import io.computegrid.model.Quota;
import io.computegrid.model.Tier;
import org.junit.jupiter.api.Test;

/** The federation file (the simulator's --federation and the server's --config). */
class FederationConfigParserTest {
    @Test
    void theContractExampleParsesWithDefaults() {
        FederationConfig f = FederationConfigParser.parse("""
                centers:
                  - name: changsha
                    region: cn-central
                    pools:
                      - name: a100
                        accelerator: nvidia-a100
                        nodes: 16
                        acceleratorsPerNode: 8
                tenants:
                  - name: lab-a
                    quota: {nvidia-a100: 32}
                """, "fed.yaml");
        assertThat(f.centers()).singleElement().satisfies(c -> {
            assertThat(c.tier()).isEqualTo(Tier.CLOUD);
            assertThat(c.backend().type()).isEqualTo("local");
            assertThat(c.pools().get(0).totalCards()).isEqualTo(128);
        });
        assertThat(f.tenants().get(0).quotaFor("nvidia-a100")).contains(Quota.nominal("nvidia-a100", 32));
        assertThat(f.currency()).isEqualTo("CNY");
        assertThat(f.priority("spot").orElseThrow().preemptible()).isTrue();
    }

    @Test
    void customAcceleratorsBackendsAndSectionsAreCarried() {
        FederationConfig f = FederationConfigParser.parse("""
                accelerators: [{model: acme-x1, fp16Tflops: 200, vendor: acme}]
                centers:
                  - name: hpc
                    tier: hpc
                    backend: {type: slurm, url: "http://127.0.0.1:6820", user: alice, jwtKeyFile: /k, partition: batch}
                  - name: edge
                    tier: edge
                    pools: [{name: x, accelerator: acme-x1, nodes: 1, acceleratorsPerNode: 2, pricePerCardHour: 1.5}]
                scheduler: {maxJobsPerCycle: 10}
                """, "fed.yaml");
        assertThat(f.catalog().get("acme-x1").fp16Tflops()).isEqualTo(200);
        assertThat(f.center("hpc").orElseThrow().backend().setting("partition", null)).isEqualTo("batch");
        assertThat(f.center("hpc").orElseThrow().pools()).isEmpty();
        assertThat(f.section("scheduler")).isPresent();
    }

    @Test
    void errorsNameTheFieldPath() {
        assertThatThrownBy(() -> FederationConfigParser.parse("centers: [{name: a, pools: [{name: p, accelerator: "
                + "nvidia-a100, nodes: -1}]}]", "f.yaml")).hasMessageContaining("centers[0].pools[0].nodes");
        assertThatThrownBy(() -> FederationConfigParser.parse("centers: [{name: a, pools: [{name: p, accelerator: "
                + "warp-drive, nodes: 1}]}]", "f.yaml")).hasMessageContaining("centers[0].pools[0].accelerator");
        assertThatThrownBy(() -> FederationConfigParser.parse("centers: [{name: a, tier: moon, pools: []}]", "f.yaml"))
                .hasMessageContaining("f.yaml");
        assertThatThrownBy(() -> FederationConfigParser.parse("tenants: [{name: t, quota: {nvidia-a100: lots}}]",
                "f.yaml")).hasMessageContaining("tenants[0].quota.nvidia-a100");
        assertThatThrownBy(() -> FederationConfigParser.parse("centres: []", "f.yaml")).hasMessageContaining("centres");
        assertThatThrownBy(() -> FederationConfigParser.parse("centers: [{name: a, pools: [{name: p, accelerator: "
                + "nvidia-a100, nodes: 1}]}, {name: a, pools: [{name: p, accelerator: nvidia-a100, nodes: 1}]}]", "f.yaml"))
                .hasMessageContaining("duplicate center");
        assertThatThrownBy(() -> FederationConfigParser.parse("currency: yuan", "f.yaml")).hasMessageContaining("currency");
    }
}
