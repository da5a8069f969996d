package io.computegrid.cli.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.computegrid.cli.ApiClient;
import io.computegrid.metering.usage.UsageInterval;
import io.computegrid.server.GridServer;
import io.computegrid.server.ServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import tools.jackson.databind.JsonNode;

/** The billing commands against a real server with the billing routes (demo federation). */
class BillingCommandsTest {
    @TempDir
    Path data;

    @Command(name = "grid")
    static final class Root {
    }

    record Result(int exit, String out, String err) {
        JsonNode json() {
            return ApiClient.JSON.readTree(out);
        }
    }

    static synchronized Result run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            CommandLine cl = new CommandLine(new Root());
            for (Object c : BillingCommands.commands()) {
                cl.addSubcommand(c);
            }
            cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
                cmd.getErr().println(ex.getMessage());
                return 1;
            });
            int code = cl.execute(args);
            return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void topupVoucherUsageAndBill() throws Exception {
        try (GridServer s = new GridServer(new ServerOptions("127.0.0.1", 0, data, null, null, null, true, null, null))
                .start()) {
            String url = "http://127.0.0.1:" + s.port();
            String admin = Files.readString(data.resolve("admin.token")).trim();
            String tenant;
            try (var l = Files.list(data.resolve("demo-tokens"))) {
                tenant = l.sorted().toList().get(0).getFileName().toString().replace(".token", "");
            }
            List<String> common = List.of("--url", url, "--token", admin);

            Result top = run(args(common, "topup", "--tenant", tenant, "--amount", "250", "-o", "json"));
            assertThat(top.exit()).as(top.err()).isZero();
            assertThat(top.json().get("balance").decimalValue()).isGreaterThanOrEqualTo(new java.math.BigDecimal("250"));
            Result bad = run(args(common, "topup", "--tenant", tenant, "--amount", "lots"));
            assertThat(bad.exit()).isNotZero();
            assertThat(bad.err()).contains("not a number");

            Result v = run(args(common, "voucher", "issue", "--tenant", tenant, "--amount", "40", "--share", "0.5",
                    "--expires", "2099-12-31", "-o", "json"));
            assertThat(v.exit()).as(v.err()).isZero();
            assertThat(v.json().get("share").decimalValue()).isEqualByComparingTo("0.5");
            assertThat(v.json().get("validTo").asString()).startsWith("2099-12-31");
            Result noAmount = run(args(common, "voucher", "issue", "--tenant", "nobody", "--amount", "5"));
            assertThat(noAmount.exit()).isNotZero();
            assertThat(noAmount.err()).contains("unknown tenant");

            Instant now = Instant.now().minusSeconds(600);
            s.metering().recordUsage(List.of(new UsageInterval("cli-1", 9, 0, 0, tenant, "cloud", "a100",
                    "nvidia-a100", 2000, 1000, 1024, now, now.plusSeconds(300), false)));
            Result usage = run(args(common, "usage", "--tenant", tenant, "-o", "json"));
            assertThat(usage.exit()).as(usage.err()).isZero();
            JsonNode list = usage.json();
            assertThat(list.isArray()).isTrue();
            assertThat(list.get(0).get("jobId").asLong()).isEqualTo(9);
            assertThat(list.get(0).get("cardSeconds").decimalValue()).isEqualByComparingTo("600");
            for (String f : List.of("tenant", "center", "accelerator", "cost")) {
                assertThat(list.get(0).has(f)).as(f).isTrue();
            }
            assertThat(run(args(common, "usage", "--tenant", tenant)).out()).contains("JOB").contains("cloud");

            Result bill = run(args(common, "bill", "--tenant", tenant, "-o", "json"));
            assertThat(bill.exit()).as(bill.err()).isZero();
            JsonNode b = bill.json();
            for (String f : List.of("total", "paidByVouchers", "paidByBalance", "currency", "lines")) {
                assertThat(b.has(f)).as(f).isTrue();
            }
            assertThat(b.get("total").decimalValue()).isEqualByComparingTo(
                    b.get("paidByVouchers").decimalValue().add(b.get("paidByBalance").decimalValue()));
            assertThat(run(args(common, "bill", "--tenant", tenant)).out()).contains("Statement of " + tenant);
            assertThat(run(args(common, "bill", "--tenant", tenant, "--format", "html")).out()).contains("<html");
            Result ledger = run(args(common, "ledger"));
            assertThat(ledger.out()).contains("ledger OK");
            assertThat(ledger.exit()).isZero();
        }
    }

    static String[] args(List<String> common, String... rest) {
        List<String> a = new ArrayList<>(List.of(rest));
        // options of the leaf command go after the subcommand names
        int at = 0;
        while (at < a.size() && !a.get(at).startsWith("-")) {
            at++;
        }
        a.addAll(at, common);
        return a.toArray(String[]::new);
    }
}
