package io.computegrid.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.config.FederationConfig;
import io.computegrid.config.FederationConfigParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The federations the docs tell people to run parse as the server would parse them. */
class ExampleFederationsTest {
    @Test
    void everyExampleParses() throws IOException {
        Path dir = Path.of("..", "examples", "federations");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(files).hasSizeGreaterThanOrEqualTo(7);
        for (Path f : files) {
            FederationConfig fed = FederationConfigParser.parse(Files.readString(f), f.getFileName().toString());
            assertThat(fed.centers()).as(f.toString()).isNotEmpty();
        }
        FederationConfig helios = FederationConfigParser.parse(Files.readString(dir.resolve("philly-helios.yaml")),
                "philly-helios.yaml");
        assertThat(helios.centers()).hasSize(11);
        assertThat(helios.centers().stream().flatMap(c -> c.pools().stream()).mapToLong(p -> p.totalCards()).sum())
                .isEqualTo(352 * 8);
    }
}
