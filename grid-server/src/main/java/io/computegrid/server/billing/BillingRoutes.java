package io.computegrid.server.billing;

import io.computegrid.metering.Metering;
import io.computegrid.metering.MeteringConfig;
import io.computegrid.metering.MeteringException;
import io.computegrid.metering.ledger.Difference;
import io.computegrid.metering.price.Instants;
import io.computegrid.metering.price.PriceEntry;
import io.computegrid.metering.statement.Settlement;
import io.computegrid.metering.statement.Statement;
import io.computegrid.metering.statement.StatementRenderer;
import io.computegrid.metering.usage.UsageQuery;
import io.computegrid.metering.usage.UsageRecord;
import io.computegrid.metering.voucher.Voucher;
import io.computegrid.metering.voucher.VoucherRequest;
import io.computegrid.server.api.Api;
import io.computegrid.server.api.ApiContext;
import io.computegrid.server.api.ApiException;
import io.computegrid.server.api.Json;
import io.computegrid.server.api.RouteModule;
import io.computegrid.server.auth.Principal;
import io.computegrid.spec.Fields;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * HTTP endpoints of the economic layer: usage, accounts and top-ups, vouchers, prices, bills,
 * settlement and the ledger check. Members see their own tenant only; operators change money.
 */
public final class BillingRoutes implements RouteModule {
    private Metering metering;
    private org.jdbi.v3.core.Jdbi jdbi;

    /** Serves the given metering (the one the runtime records usage into). */
    public BillingRoutes(Metering metering) {
        this.metering = metering;
    }

    /** Creates its own {@link Metering} over the server's database and federation when registered. */
    public BillingRoutes() {
        this.metering = null;
    }

    public Metering metering() {
        return metering;
    }

    @Override
    public void register(RoutesConfig r, ApiContext api) {
        if (metering == null) {
            metering = new Metering(api.jdbi(), api.federation().current());
        }
        jdbi = api.jdbi();
        r.get("/api/v1/usage", guard(this::usage));
        r.get("/api/v1/tenants/{name}/account", guard(ctx -> {
            String t = tenantParam(Api.principal(ctx), ctx.pathParam("name"));
            Json.ok(ctx, BillingJson.account(metering.account(t)));
        }));
        r.put("/api/v1/tenants/{name}/account", guard(ctx -> {
            Api.operator(ctx);
            Fields f = fields(ctx, Set.of("creditLimit", "monthlyBudget", "overrun"));
            String o = f.string("overrun", null);
            MeteringConfig.Overrun overrun = o == null ? null : switch (o) {
                case "stop" -> MeteringConfig.Overrun.STOP;
                case "alert" -> MeteringConfig.Overrun.ALERT;
                default -> throw ApiException.badRequest("overrun: must be stop or alert");
            };
            var a = metering.updateAccount(new MeteringConfig.AccountSettings(ctx.pathParam("name"),
                    money(f, "creditLimit"), money(f, "monthlyBudget"), overrun));
            Json.ok(ctx, BillingJson.account(a));
        }));
        r.post("/api/v1/tenants/{name}/topup", guard(ctx -> {
            Api.operator(ctx);
            Fields f = fields(ctx, Set.of("amount", "currency", "key"));
            BigDecimal amount = money(f, "amount");
            if (amount == null) {
                throw ApiException.badRequest("amount: is required");
            }
            var a = metering.topUp(ctx.pathParam("name"), amount, f.string("currency", null), f.string("key", null));
            Json.ok(ctx, BillingJson.account(a));
        }));
        r.get("/api/v1/vouchers", guard(ctx -> {
            Principal who = Api.principal(ctx);
            String t = ctx.queryParam("tenant");
            if (!who.isOperator()) {
                t = tenantParam(who, t);
            }
            List<Map<String, Object>> items = new ArrayList<>();
            for (Voucher v : metering.vouchers(t)) {
                items.add(BillingJson.voucher(v, metering.currency()));
            }
            Json.ok(ctx, Json.map("items", items));
        }));
        r.post("/api/v1/vouchers", guard(ctx -> {
            Api.operator(ctx);
            Fields f = fields(ctx, Set.of("tenant", "issuer", "amount", "share", "validFrom", "validTo", "expires",
                    "centers", "models", "key"));
            String expires = f.string("validTo", f.string("expires", null));
            Voucher v = metering.issueVoucher(new VoucherRequest(f.requiredString("tenant"), f.string("issuer", null),
                    money(f, "amount"), f.has("share") ? f.decimal("share", null, new BigDecimal("-1000"),
                    new BigDecimal("1000")) : null, Instants.parse(f.string("validFrom", null), "validFrom"),
                    endOf(expires), f.strings("centers"), f.strings("models"), f.string("key", null)));
            Json.send(ctx, 201, BillingJson.voucher(v, metering.currency()));
        }));
        r.get("/api/v1/vouchers/{id}", guard(ctx -> {
            Principal who = Api.principal(ctx);
            Voucher v = metering.voucher(voucherId(ctx));
            if (!who.canAccessTenant(v.tenant())) {
                throw ApiException.notFound("no voucher " + v.id());
            }
            Json.ok(ctx, BillingJson.voucher(v, metering.currency()));
        }));
        r.post("/api/v1/vouchers/{id}/expire", guard(ctx -> {
            Api.operator(ctx);
            Json.ok(ctx, BillingJson.voucher(metering.expireVoucher(voucherId(ctx)), metering.currency()));
        }));
        r.get("/api/v1/prices", guard(ctx -> {
            Api.principal(ctx);
            List<Map<String, Object>> items = new ArrayList<>();
            for (PriceEntry e : metering.prices()) {
                items.add(BillingJson.price(e, metering.currency()));
            }
            Json.ok(ctx, Json.map("items", items, "currency", metering.currency()));
        }));
        r.post("/api/v1/prices", guard(ctx -> {
            Principal who = Api.operator(ctx);
            Fields f = fields(ctx, Set.of("center", "pool", "model", "onDemand", "preemptible", "cpuCoreHour",
                    "memoryGiBHour", "from", "to"));
            BigDecimal onDemand = signedMoney(f, "onDemand");
            if (onDemand == null) {
                throw ApiException.badRequest("onDemand: is required (price per card-hour)");
            }
            PriceEntry e = new PriceEntry(0, f.string("center", null), f.string("pool", null), f.string("model", null),
                    onDemand, signedMoney(f, "preemptible"), signedMoney(f, "cpuCoreHour"),
                    signedMoney(f, "memoryGiBHour"), Instants.parse(f.string("from", null), "from"),
                    Instants.parse(f.string("to", null), "to"), PriceEntry.Source.API);
            PriceEntry saved = metering.setPrice(e, "token " + who.tokenId());
            Json.send(ctx, 201, BillingJson.price(saved, metering.currency()));
        }));
        r.get("/api/v1/bills", guard(this::bill));
        r.get("/api/v1/settlement", guard(ctx -> {
            Api.operator(ctx);
            Settlement s = metering.settlement(month(ctx), ctx.queryParam("provider"));
            if ("csv".equals(format(ctx))) {
                ctx.contentType("text/csv; charset=utf-8").result(StatementRenderer.csv(s));
            } else {
                ctx.contentType("application/json").result(StatementRenderer.json(s));
            }
        }));
        r.post("/api/v1/settlement", guard(ctx -> {
            Api.operator(ctx);
            Fields f = fields(ctx, Set.of("provider", "month"));
            YearMonth m = parseMonth(f.requiredString("month"));
            BigDecimal paid = metering.settle(f.requiredString("provider"), m);
            Json.ok(ctx, Json.map("provider", f.requiredString("provider"), "month", m.toString(), "paid", paid,
                    "currency", metering.currency()));
        }));
        r.get("/api/v1/ledger/check", guard(ctx -> {
            Api.operator(ctx);
            List<Difference> d = metering.check();
            List<Map<String, Object>> items = new ArrayList<>();
            for (Difference x : d) {
                items.add(Json.map("check", x.check(), "subject", x.subject(), "expected", x.expected(),
                        "actual", x.actual()));
            }
            Json.ok(ctx, Json.map("ok", d.isEmpty(), "differences", items));
        }));
    }

    private void usage(Context ctx) {
        Principal who = Api.principal(ctx);
        String tenant = ctx.queryParam("tenant");
        if (!who.isOperator()) {
            tenant = tenantParam(who, tenant);
        }
        Long job = null;
        if (ctx.queryParam("job") != null) {
            try {
                job = Long.parseLong(ctx.queryParam("job"));
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("job: must be a job id");
            }
        }
        Instant from = Instants.parse(ctx.queryParam("from"), "from");
        Instant to = endOf(ctx.queryParam("to"));
        int limit = Api.limit(ctx);
        Long cursor = Api.cursor(ctx);
        List<UsageRecord> page = metering.usage(new UsageQuery(tenant, job, from, to, cursor == null ? 0 : cursor,
                limit));
        List<Map<String, Object>> items = new ArrayList<>(page.size());
        Map<Long, Long> services = servicesOf(page);
        for (UsageRecord u : page) {
            Map<String, Object> item = BillingJson.usage(u, metering.currency());
            item.put("service", services.get(u.jobId()));
            items.add(item);
        }
        Map<String, Object> body = Api.page(items, limit, m -> (Long) m.get("id"));
        Json.ok(ctx, body);
    }

    /** The inference service of each replica job on the page (docs/services.md: replicas are metered as jobs). */
    private Map<Long, Long> servicesOf(List<UsageRecord> page) {
        Map<Long, Long> out = new java.util.HashMap<>();
        if (page.isEmpty()) {
            return out;
        }
        jdbi.useHandle(h -> h.createQuery("SELECT id, service_id FROM jobs WHERE id = ANY(:ids) AND service_id IS NOT NULL")
                .bindArray("ids", Long.class, page.stream().map(UsageRecord::jobId).distinct().toList())
                .map((rs, c) -> out.put(rs.getLong(1), rs.getLong(2))).list());
        return out;
    }

    private void bill(Context ctx) {
        Principal who = Api.principal(ctx);
        String tenant = ctx.queryParam("tenant");
        if (tenant == null && who.tenant() == null) {
            throw ApiException.badRequest("tenant: is required");
        }
        tenant = tenantParam(who, tenant);
        Statement s = metering.statement(tenant, month(ctx));
        switch (format(ctx)) {
            case "csv" -> ctx.contentType("text/csv; charset=utf-8").result(StatementRenderer.csv(s));
            case "html" -> ctx.contentType("text/html; charset=utf-8").result(StatementRenderer.html(s));
            default -> ctx.contentType("application/json").result(StatementRenderer.json(s));
        }
    }

    /** json (default), csv or html, from ?format= or the Accept header. */
    static String format(Context ctx) {
        String f = ctx.queryParam("format");
        if (f == null) {
            String accept = ctx.header("Accept");
            if (accept != null && accept.startsWith("text/csv")) {
                return "csv";
            }
            if (accept != null && accept.startsWith("text/html")) {
                return "html";
            }
            return "json";
        }
        if (!Set.of("json", "csv", "html").contains(f)) {
            throw ApiException.badRequest("format: must be json, csv or html");
        }
        return f;
    }

    /** The tenant a caller asks about: members only their own (another tenant is not found for them). */
    public static String tenantParam(Principal who, String requested) {
        String t = requested == null || requested.isBlank() ? who.tenant() : requested;
        if (t == null) {
            return null;
        }
        if (!who.canAccessTenant(t)) {
            throw ApiException.notFound("no tenant " + Api.clip(t));
        }
        return t;
    }

    static YearMonth month(Context ctx) {
        String m = ctx.queryParam("month");
        return m == null || m.isBlank() ? YearMonth.now(ZoneOffset.UTC) : parseMonth(m);
    }

    static YearMonth parseMonth(String m) {
        try {
            return YearMonth.parse(m.trim());
        } catch (DateTimeParseException e) {
            throw ApiException.badRequest("month: '" + Api.clip(m) + "' is not a month such as 2026-03");
        }
    }

    /** A date given alone (YYYY-MM-DD) as an end means the end of that day. */
    static Instant endOf(String text) {
        Instant t = Instants.parse(text, "to");
        if (t != null && text.trim().length() == 10) {
            return t.plusSeconds(86_400);
        }
        return t;
    }

    static long voucherId(Context ctx) {
        try {
            return Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ApiException.notFound("no voucher " + Api.clip(ctx.pathParam("id")));
        }
    }

    static Fields fields(Context ctx, Set<String> known) {
        JsonNode body = Json.body(ctx);
        try {
            Fields f = new Fields(body, "");
            f.rejectUnknown(known);
            return f;
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
    }

    static BigDecimal money(Fields f, String field) {
        return f.has(field) ? f.decimal(field, null, new BigDecimal("-1e13"), new BigDecimal("1e13")) : null;
    }

    /** Like {@link #money} but a negative value is named as such (prices must not be negative). */
    static BigDecimal signedMoney(Fields f, String field) {
        BigDecimal d = money(f, field);
        if (d != null && d.signum() < 0) {
            throw ApiException.badRequest(field + ": a price must not be negative (got " + d.toPlainString() + ")");
        }
        return d;
    }

    /** Maps the economic layer's refusals to 4xx problems; nothing was changed when they are thrown. */
    static Handler guard(Handler h) {
        return ctx -> {
            try {
                h.handle(ctx);
            } catch (MeteringException e) {
                throw new ApiException(e.httpStatus(), switch (e.kind()) {
                    case INVALID -> "Bad Request";
                    case NOT_FOUND -> "Not Found";
                    case CONFLICT -> "Conflict";
                }, e.getMessage());
            } catch (ApiException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
        };
    }
}
