package io.computegrid.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.backend.local.LocalBackendOptions.PortRange;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {
    static AgentOptions with(String name, String address) {
        return new AgentOptions(List.of(URI.create("http://grid:8080")), "cgj_x", name, "nvidia-t4", 1, 1000, 1024,
                Path.of("/tmp/w"), address, new PortRange(29_500, 29_999), Duration.ofSeconds(5));
    }

    @Test
    void optionsAreCheckedOnceWithTheOptionNamed() {
        assertThat(AgentOptions.servers("http://a:1, http://b:2/")).containsExactly(URI.create("http://a:1"),
                URI.create("http://b:2"));
        assertThat(AgentOptions.portRange("30000-30009").size()).isEqualTo(10);
        for (String bad : new String[]{"80-90", "30009-30000", "3000", "a-b", "30000-70000"}) {
            assertThatThrownBy(() -> AgentOptions.portRange(bad)).hasMessageStartingWith("--ports");
        }
        assertThatThrownBy(() -> with("a b", "127.0.0.1")).hasMessageStartingWith("--name");
        assertThatThrownBy(() -> with("box", "host;rm")).hasMessageStartingWith("--advertise-address");
        assertThatThrownBy(() -> new AgentOptions(List.of(URI.create("ftp://x")), null, "box", "nvidia-t4", 1, 1000,
                1024, Path.of("/tmp/w"), "127.0.0.1", new PortRange(29_500, 29_999), Duration.ofSeconds(5)))
                .hasMessageStartingWith("--server");
        assertThat(with("box-1.lab", "10.0.0.7").joinToken()).isEqualTo("cgj_x");
    }
}
