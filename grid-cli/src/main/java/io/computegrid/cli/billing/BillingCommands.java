package io.computegrid.cli.billing;

import io.computegrid.cli.ApiClient;
import io.computegrid.cli.CliException;
import io.computegrid.cli.ClientOptions;
import io.computegrid.cli.Output;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;

/**
 * Client commands of the economic layer: {@code usage}, {@code topup}, {@code voucher},
 * {@code bill}, {@code prices}, {@code settlement}, {@code ledger}. {@link #commands()} lists the
 * top-level ones for {@code Grid}.
 */
public final class BillingCommands {
    private BillingCommands() {
    }

    /** The top-level commands to register with the {@code grid} command line. */
    public static List<Object> commands() {
        return List.of(new Usage(), new Topup(), new VoucherCmd(), new Bill(), new Prices(), new SettlementCmd(),
                new Ledger());
    }

    static String amount(String s, String option) {
        try {
            return new BigDecimal(s.trim()).toPlainString();
        } catch (NumberFormatException e) {
            throw new CliException(option + ": '" + s + "' is not a number", 2);
        }
    }

    static String text(JsonNode n, String f) {
        return Output.text(n, f);
    }

    @Command(name = "usage", mixinStandardHelpOptions = true,
            description = "Metered usage records (newest last).")
    public static final class Usage implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Option(names = "--tenant", description = "Only this tenant (members: their own)")
        String tenant;
        @Option(names = "--from", description = "Intervals ending at or after this date (YYYY-MM-DD or ISO time)")
        String from;
        @Option(names = "--to", description = "Intervals ending before the end of this date")
        String to;
        @Option(names = "--job", description = "Only this job")
        Long job;
        @Option(names = "--max", description = "At most this many records (default 100000)")
        int max = 100_000;

        @Override
        public Integer call() {
            boolean json = c.json();
            ApiClient api = c.client();
            ArrayNode all = ApiClient.JSON.createArrayNode();
            String cursor = null;
            do {
                Map<String, String> q = new LinkedHashMap<>();
                q.put("tenant", tenant);
                q.put("from", from);
                q.put("to", to);
                q.put("job", job == null ? null : job.toString());
                q.put("limit", "500");
                q.put("cursor", cursor);
                JsonNode page = api.get("/api/v1/usage" + ApiClient.query(q));
                for (JsonNode u : page.get("items")) {
                    if (all.size() < max) {
                        all.add(u);
                    }
                }
                JsonNode next = page.get("nextCursor");
                cursor = next == null || next.isNull() ? null : next.asString();
            } while (cursor != null && all.size() < max);
            if (json) {
                Output.json(all);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode u : all) {
                rows.add(List.of(text(u, "jobId"), text(u, "task"), text(u, "tenant"), text(u, "center"),
                        text(u, "accelerator"), text(u, "from"), text(u, "seconds"), text(u, "cardSeconds"),
                        text(u, "cost") + " " + text(u, "currency")));
            }
            Output.table(List.of("JOB", "TASK", "TENANT", "CENTER", "ACCELERATOR", "FROM", "SECONDS", "CARD-S", "COST"),
                    rows);
            return 0;
        }
    }

    @Command(name = "topup", mixinStandardHelpOptions = true,
            description = "Add money to a tenant's balance (operator).")
    public static final class Topup implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Option(names = "--tenant", required = true)
        String tenant;
        @Option(names = "--amount", required = true, description = "Amount in the platform currency")
        String amount;
        @Option(names = "--currency", description = "Refused unless it is the platform currency")
        String currency;

        @Override
        public Integer call() {
            boolean json = c.json();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("amount", new BigDecimal(amount(amount, "--amount")));
            if (currency != null) {
                body.put("currency", currency);
            }
            JsonNode a = c.client().post("/api/v1/tenants/" + tenant + "/topup", body);
            if (json) {
                Output.json(a);
            } else {
                System.out.println("tenant " + text(a, "tenant") + ": balance " + text(a, "balance") + " "
                        + text(a, "currency"));
            }
            return 0;
        }
    }

    @Command(name = "voucher", mixinStandardHelpOptions = true,
            description = "Compute vouchers.", subcommands = {VoucherIssue.class, VoucherList.class,
            VoucherExpire.class})
    public static final class VoucherCmd implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new CliException("voucher: give a subcommand: issue, list or expire", 2);
        }
    }

    static void printVoucher(JsonNode v) {
        System.out.println("voucher " + text(v, "id") + " for " + text(v, "tenant") + ": " + text(v, "remaining") + " of "
                + text(v, "amount") + " " + text(v, "currency") + " left, share " + text(v, "share") + ", valid until "
                + text(v, "validTo") + " (" + text(v, "state") + ")");
    }

    @Command(name = "issue", mixinStandardHelpOptions = true,
            description = "Issue a voucher to a tenant (operator).")
    public static final class VoucherIssue implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Option(names = "--tenant", required = true)
        String tenant;
        @Option(names = "--amount", required = true)
        String amount;
        @Option(names = "--share", description = "Share of each charge the voucher pays (default 1.0)")
        String share;
        @Option(names = "--expires", description = "End of validity (YYYY-MM-DD: end of that day; default in a year)")
        String expires;
        @Option(names = "--from", description = "Start of validity (default now)")
        String from;
        @Option(names = "--issuer", description = "Who funds it (default platform)")
        String issuer;
        @Option(names = "--center", description = "Only usage in this center (repeatable)")
        List<String> centers = new ArrayList<>();
        @Option(names = "--model", description = "Only usage on this accelerator model (repeatable)")
        List<String> models = new ArrayList<>();

        @Override
        public Integer call() {
            boolean json = c.json();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("tenant", tenant);
            body.put("amount", new BigDecimal(amount(amount, "--amount")));
            if (share != null) {
                body.put("share", new BigDecimal(amount(share, "--share")));
            }
            if (expires != null) {
                body.put("expires", expires.trim().length() == 10 ? expires.trim() + "T23:59:59.999Z" : expires);
            }
            if (from != null) {
                body.put("validFrom", from);
            }
            if (issuer != null) {
                body.put("issuer", issuer);
            }
            body.put("centers", centers);
            body.put("models", models);
            JsonNode v = c.client().post("/api/v1/vouchers", body);
            if (json) {
                Output.json(v);
            } else {
                printVoucher(v);
            }
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List vouchers (members: their own).")
    public static final class VoucherList implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Option(names = "--tenant")
        String tenant;

        @Override
        public Integer call() {
            boolean json = c.json();
            JsonNode items = c.client().get("/api/v1/vouchers" + ApiClient.query(
                    tenant == null ? Map.of() : Map.of("tenant", tenant))).get("items");
            if (json) {
                Output.json(items);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode v : items) {
                rows.add(List.of(text(v, "id"), text(v, "tenant"), text(v, "issuer"), text(v, "amount"),
                        text(v, "remaining"), text(v, "share"), text(v, "validTo"), text(v, "state")));
            }
            Output.table(List.of("ID", "TENANT", "ISSUER", "AMOUNT", "REMAINING", "SHARE", "VALID-TO", "STATE"), rows);
            return 0;
        }
    }

    @Command(name = "expire", mixinStandardHelpOptions = true,
            description = "Expire a voucher now; what it had left returns to its issuer (operator).")
    public static final class VoucherExpire implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Parameters(paramLabel = "ID")
        long id;

        @Override
        public Integer call() {
            boolean json = c.json();
            JsonNode v = c.client().post("/api/v1/vouchers/" + id + "/expire", Map.of());
            if (json) {
                Output.json(v);
            } else {
                printVoucher(v);
            }
            return 0;
        }
    }

    @Command(name = "bill", mixinStandardHelpOptions = true,
            description = "A tenant's monthly statement.")
    public static final class Bill implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Option(names = "--tenant", description = "The tenant (members: their own by default)")
        String tenant;
        @Option(names = "--month", description = "YYYY-MM (default: this month, UTC)")
        String month;
        @Option(names = "--format", description = "csv or html: print the statement in that form")
        String format;

        @Override
        public Integer call() {
            boolean json = c.json();
            Map<String, String> q = new LinkedHashMap<>();
            q.put("tenant", tenant);
            q.put("month", month);
            ApiClient api = c.client();
            if (format != null) {
                if (!format.equals("csv") && !format.equals("html")) {
                    throw new CliException("--format: must be csv or html", 2);
                }
                q.put("format", format);
                System.out.print(api.getText("/api/v1/bills" + ApiClient.query(q)));
                return 0;
            }
            JsonNode s = api.get("/api/v1/bills" + ApiClient.query(q));
            if (json) {
                Output.json(s);
                return 0;
            }
            String cur = text(s, "currency");
            System.out.println("Statement of " + text(s, "tenant") + " for " + text(s, "month") + " (" + cur + ")");
            System.out.println("  opening balance   " + text(s, "openingBalance"));
            System.out.println("  top-ups           " + text(s, "topUps"));
            System.out.println("  total charges     " + text(s, "total"));
            System.out.println("  paid by vouchers  " + text(s, "paidByVouchers"));
            System.out.println("  paid from balance " + text(s, "paidByBalance"));
            System.out.println("  closing balance   " + text(s, "closingBalance"));
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode l : s.get("lines")) {
                rows.add(List.of(text(l, "jobId"), text(l, "accelerator"), text(l, "center"), text(l, "cardHours"),
                        text(l, "pflopHours"), text(l, "cost"), text(l, "paidByVouchers"), text(l, "paidByBalance")));
            }
            if (!rows.isEmpty()) {
                System.out.println();
                Output.table(List.of("JOB", "ACCELERATOR", "CENTER", "CARD-H", "P-H", "COST", "VOUCHERS", "BALANCE"),
                        rows);
            }
            return 0;
        }
    }

    @Command(name = "prices", mixinStandardHelpOptions = true,
            description = "The price book (per card-hour).")
    public static final class Prices implements Callable<Integer> {
        @Mixin
        ClientOptions c;

        @Override
        public Integer call() {
            boolean json = c.json();
            JsonNode items = c.client().get("/api/v1/prices").get("items");
            if (json) {
                Output.json(items);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode p : items) {
                rows.add(List.of(text(p, "center"), text(p, "pool"), text(p, "model"), text(p, "onDemand"),
                        text(p, "preemptible"), text(p, "from"), text(p, "to"), text(p, "source")));
            }
            Output.table(List.of("CENTER", "POOL", "MODEL", "ON-DEMAND", "PREEMPTIBLE", "FROM", "TO", "SOURCE"), rows);
            System.out.println("(pools without an entry are charged their pricePerCardHour)");
            return 0;
        }
    }

    @Command(name = "settlement", mixinStandardHelpOptions = true,
            description = "What each provider earned in a month, after fees (operator).")
    public static final class SettlementCmd implements Callable<Integer> {
        @Mixin
        ClientOptions c;
        @Option(names = "--month", description = "YYYY-MM (default: this month, UTC)")
        String month;
        @Option(names = "--provider")
        String provider;

        @Override
        public Integer call() {
            boolean json = c.json();
            Map<String, String> q = new LinkedHashMap<>();
            q.put("month", month);
            q.put("provider", provider);
            JsonNode s = c.client().get("/api/v1/settlement" + ApiClient.query(q));
            if (json) {
                Output.json(s);
                return 0;
            }
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode p : s.get("providers")) {
                for (JsonNode l : p.get("lines")) {
                    rows.add(List.of(text(p, "provider"), text(l, "center"), text(l, "tenant"), text(l, "cardHours"),
                            text(l, "gross"), text(l, "fees"), text(l, "net")));
                }
            }
            Output.table(List.of("PROVIDER", "CENTER", "TENANT", "CARD-H", "GROSS", "FEES", "NET"), rows);
            return 0;
        }
    }

    @Command(name = "ledger", mixinStandardHelpOptions = true,
            description = "Check the ledger: recompute every account (operator).")
    public static final class Ledger implements Callable<Integer> {
        @Mixin
        ClientOptions c;

        @Override
        public Integer call() {
            boolean json = c.json();
            JsonNode r = c.client().get("/api/v1/ledger/check");
            if (json) {
                Output.json(r);
            } else if (r.get("ok").asBoolean()) {
                System.out.println("ledger OK: every account equals its entries and the usage records");
            } else {
                for (JsonNode d : r.get("differences")) {
                    System.out.println(text(d, "check") + " " + text(d, "subject") + ": expected " + text(d, "expected")
                            + ", found " + text(d, "actual"));
                }
            }
            return r.get("ok").asBoolean() ? 0 : 1;
        }
    }
}
