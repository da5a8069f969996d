package io.computegrid.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A federation file with a number no field can hold stops {@code grid server} with one line naming the field. */
class ServerConfigNumbersTest {
    @TempDir
    Path dir;

    record Case(String yaml, String field) {
    }

    static String federation(String nodes, String cards, String price, String quota) {
        return "centers:\n  - name: c1\n    region: r\n    pools:\n      - name: p\n        accelerator: nvidia-a100\n"
                + "        nodes: " + nodes + "\n        acceleratorsPerNode: " + cards + "\n        pricePerCardHour: " + price
                + "\ntenants:\n  - name: t\n    quota: {nvidia-a100: " + quota + "}\n";
    }

    @Test
    void hugeNumbersInTheConfigAreAOneLineErrorBeforeAnythingStarts() throws Exception {
        List<Case> cases = List.of(
                new Case(federation("1e400", "8", "1", "1"), "nodes"),
                new Case(federation("2", "99999999999999999999999", "1", "1"), "acceleratorsPerNode"),
                new Case(federation("2", "8", "1e400", "1"), "pricePerCardHour"),
                new Case(federation("2", "8", "1e-400", "1"), "pricePerCardHour"),
                new Case(federation("2", "8", ".inf", "1"), "pricePerCardHour"),
                new Case(federation("2", "8", "1", "-1e400"), "quota"),
                new Case(federation("2", "8", "1", "1") + "scheduler:\n  fairShare: {historyWeight: 1e400}\n", "historyWeight"),
                new Case(federation("2", "8", "1", "1") + "metering:\n  platformFee: 1e-400\n", "platformFee"));
        int i = 0;
        for (Case c : cases) {
            Path file = dir.resolve("fed-" + i + ".yaml");
            Path data = dir.resolve("data-" + i++);
            Files.writeString(file, c.yaml());
            Cli.Result r = Cli.run("server", "--config", file.toString(), "--data", data.toString(), "--port", "0");
            assertThat(r.exit()).as(c.field() + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().lines().toList()).as(c.field()).singleElement().asString()
                    .startsWith("grid server: ").contains(c.field()).doesNotContain("Exception");
            assertThat(data).as("nothing was started").doesNotExist();
        }
    }
}
