package io.computegrid.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.JobSpec;
import io.computegrid.model.Objective;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The job spec wire format: what it accepts, and the field each bad input is reported against. */
class JobSpecParserTest {
    final JobSpecParser parser = new JobSpecParser(AcceleratorCatalog.defaults());

    static final String OK = """
            name: train
            tenant: acme
            priority: high
            tasks: 4
            resources:
              accelerator:
                - {model: nvidia-a100, speed: 1.0}
                - ascend-910b
              count: 2
              cpu: 500m
              memory: 4Gi
            command: ["python", "train.py", "--epochs", "3"]
            env: {SEED: 7}
            maxRuntime: 1h30m
            minRuntime: 10m
            preemptible: true
            objective: green
            datasets: [{name: imagenet, center: hpc, sizeGb: 150}]
            centers: [cloud, hpc]
            budget: 250.50
            """;

    @Test
    void aFullSpecParsesIntoIntegerUnits() {
        JobSpec s = parser.parse(OK, "test");
        assertThat(s.name()).isEqualTo("train");
        assertThat(s.tasks()).isEqualTo(4);
        assertThat(s.resources().milliCards()).isEqualTo(2000);
        assertThat(s.resources().cpuMilli()).isEqualTo(500);
        assertThat(s.resources().memoryMiB()).isEqualTo(4096);
        assertThat(s.resources().accelerators()).extracting(a -> a.model()).containsExactly("nvidia-a100", "ascend-910b");
        assertThat(s.resources().accelerators().get(0).speed()).isEqualTo(1.0);
        assertThat(s.maxRuntime()).isEqualTo(Duration.ofMinutes(90));
        assertThat(s.minRuntime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.env()).containsEntry("SEED", "7");
        assertThat(s.objective()).isEqualTo(Objective.GREEN);
        assertThat(s.datasets()).singleElement().satisfies(d -> assertThat(d.sizeGb()).isEqualTo(150));
        assertThat(s.centers()).containsExactly("cloud", "hpc");
        assertThat(s.budget()).isEqualByComparingTo("250.50");
    }

    @Test
    void jsonAndYamlGiveTheSameSpecAndFractionsAreMilliCards() {
        JobSpec y = parser.parse("name: f\nresources: {accelerator: nvidia-t4, count: 0.25}\ncommand: [\"true\"]\n", "y");
        JobSpec j = parser.parse("{\"name\":\"f\",\"resources\":{\"accelerator\":\"nvidia-t4\",\"count\":0.25},"
                + "\"command\":[\"true\"]}", "j");
        assertThat(y).isEqualTo(j);
        assertThat(y.resources().milliCards()).isEqualTo(250);
        assertThat(y.resources().isFractional()).isTrue();
        assertThat(y.priority()).isEqualTo("normal");
        assertThat(y.tasks()).isEqualTo(1);
    }

    record Bad(String yaml, String field) {
        @Override
        public String toString() {
            return field;
        }
    }

    static List<Bad> bad() {
        String r = "resources: {accelerator: nvidia-a100, count: 1}\n";
        String c = "command: [\"true\"]\n";
        return List.of(
                new Bad("resources: {count: 0}\n" + c, "name"),
                new Bad("name: x\n" + c, "resources"),
                new Bad("name: x\n" + r, "command"),
                new Bad("name: x\n" + r + "command: \"rm -rf /\"\n", "command"),
                new Bad("name: x\n" + r + "command: [\"a\", {b: 1}]\n", "command[1]"),
                new Bad("name: x\n" + r + c + "extra: 1\n", "extra"),
                new Bad("name: x\nresources: {accelerator: nvidia-a100, count: 1, gpus: 2}\n" + c, "resources.gpus"),
                new Bad("name: x\nresources: {accelerator: nvidia-a100, count: -1}\n" + c, "resources.count"),
                new Bad("name: x\nresources: {accelerator: nvidia-a100, count: 1.5}\n" + c, "resources.count"),
                new Bad("name: x\nresources: {accelerator: nvidia-a100, count: 65}\n" + c, "resources.count"),
                new Bad("name: x\nresources: {accelerator: quantum-9, count: 1}\n" + c, "resources.accelerator"),
                new Bad("name: x\nresources: {count: 2}\n" + c, "resources.accelerator"),
                new Bad("name: x\nresources: {accelerator: nvidia-a100, memory: 12 bananas}\n" + c, "resources.memory"),
                new Bad("name: x\ntasks: 0\n" + r + c, "tasks"),
                new Bad("name: x\ntasks: two\n" + r + c, "tasks"),
                new Bad("name: ../../x\n" + r + c, "name"),
                new Bad("name: \"a b\"\n" + r + c, "name"),
                new Bad("name: x\n" + r + c + "maxRuntime: forever\n", "maxRuntime"),
                new Bad("name: x\n" + r + c + "maxRuntime: 400d\n", "maxRuntime"),
                new Bad("name: x\n" + r + c + "env: {GRID_TASK_INDEX: 3}\n", "env.GRID_TASK_INDEX"),
                new Bad("name: x\n" + r + c + "env: {\"BAD-NAME\": 3}\n", "env.BAD-NAME"),
                new Bad("name: x\n" + r + c + "objective: fastest\n", "objective"),
                new Bad("name: x\n" + r + c + "centers: [\"a/b\"]\n", "centers"),
                new Bad("name: x\n" + r + c + "budget: -5\n", "budget"),
                new Bad("name: x\n" + r + c + "budget: lots\n", "budget"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void badInputNamesItsField(Bad b) {
        assertThatThrownBy(() -> parser.parse(b.yaml(), "job.yaml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(b.field());
    }

    @Test
    void aliasBombsAndDeepNestingAreRefusedNotExpanded() {
        StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        char prev = 'a';
        for (char k = 'b'; k <= 'j'; k++) {
            bomb.append(k).append(": &").append(k).append(" [");
            for (int i = 0; i < 10; i++) {
                bomb.append(i == 0 ? "" : ",").append('*').append(prev);
            }
            bomb.append("]\n");
            prev = k;
        }
        assertThatThrownBy(() -> Documents.parse(bomb.toString(), "bomb.yaml")).isInstanceOf(SpecException.class)
                .hasMessageContaining("aliases").hasMessageContaining("line 2");
        assertThatThrownBy(() -> Documents.parse("x: " + "[".repeat(100) + "]".repeat(100), "deep.yaml"))
                .isInstanceOf(SpecException.class);
        assertThatThrownBy(() -> Documents.parse("", "empty.yaml")).hasMessageContaining("empty");
    }
}
