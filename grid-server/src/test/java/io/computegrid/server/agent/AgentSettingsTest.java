package io.computegrid.server.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.config.FederationConfigParser;
import io.computegrid.spec.SpecException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** An agent center's settings are checked once, before the server starts, with the field named. */
class AgentSettingsTest {
    static String center(String backend) {
        return "centers:\n  - name: field\n    backend: " + backend + "\n";
    }

    @Test
    void defaultsAndValidSettings() {
        AgentSettings d = AgentSettings.from("field", FederationConfigParser.parse(center("{type: agent}"), "t")
                .centers().get(0).backend());
        assertThat(d).isEqualTo(new AgentSettings(Duration.ofSeconds(10), Duration.ofSeconds(60)));
        AgentSettings.validate(FederationConfigParser.parse(center("{type: agent, heartbeatInterval: 2s, downAfter: 5s}"), "t"));
    }

    @Test
    void badSettingsNameTheirField() {
        for (String[] bad : new String[][]{
                {"{type: agent, heartbeatInterval: 10s, downAfter: 15s}", "centers.field.backend.downAfter"},
                {"{type: agent, heartbeatInterval: 50ms}", "centers.field.backend.heartbeatInterval"},
                {"{type: agent, downAfter: soon}", "centers.field.backend.downAfter"},
                {"{type: agent, heartbeat: 1s}", "centers.field.backend.heartbeat"}}) {
            assertThatThrownBy(() -> AgentSettings.validate(FederationConfigParser.parse(center(bad[0]), "t")))
                    .isInstanceOf(SpecException.class).hasMessageStartingWith(bad[1]);
        }
        assertThatThrownBy(() -> FederationConfigParser.parse(center("{type: agent}")
                + "    pools: [{name: p, accelerator: nvidia-t4, nodes: 1}]\n", "t"))
                .hasMessageContaining("pools").hasMessageContaining("agents that join it");
        assertThatThrownBy(() -> FederationConfigParser.parse(center("{type: robots}"), "t"))
                .hasMessageContaining("local, slurm, kubernetes, agent");
    }
}
