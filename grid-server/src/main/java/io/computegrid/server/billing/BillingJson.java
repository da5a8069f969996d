package io.computegrid.server.billing;

import io.computegrid.metering.ledger.TenantAccount;
import io.computegrid.metering.price.PriceEntry;
import io.computegrid.metering.usage.UsageRecord;
import io.computegrid.metering.voucher.Voucher;
import io.computegrid.server.api.Json;
import java.time.Instant;
import java.util.Map;

/** The wire shape of the economic layer's objects (dates as ISO-8601 UTC, money as exact decimals). */
final class BillingJson {
    private BillingJson() {
    }

    static String ts(Instant i) {
        return i == null ? null : i.toString();
    }

    static Map<String, Object> usage(UsageRecord r, String currency) {
        return Json.map("id", r.id(), "jobId", r.jobId(), "attempt", r.attempt(), "task", r.taskIndex(),
                "tenant", r.tenant(), "center", r.center(), "pool", r.pool(), "accelerator", r.accelerator(),
                "provider", r.provider(), "milliCards", r.milliCards(), "cpuMilli", r.cpuMilli(),
                "memoryMiB", r.memoryMiB(), "from", ts(r.from()), "to", ts(r.to()), "seconds", r.seconds(),
                "cardSeconds", r.cardSeconds(), "pflopSeconds", r.pflopSeconds(), "preemptible", r.preemptible(),
                "unitPrice", r.unitPrice(), "priceBasis", r.priceBasis(), "cost", r.cost(),
                "paidByVouchers", r.paidByVouchers(), "paidByBalance", r.paidByBalance(), "currency", currency,
                "key", r.key());
    }

    static Map<String, Object> voucher(Voucher v, String currency) {
        return Json.map("id", v.id(), "tenant", v.tenant(), "issuer", v.issuer(), "amount", v.amount(),
                "remaining", v.remaining(), "share", v.share(), "validFrom", ts(v.validFrom()),
                "validTo", ts(v.validTo()), "centers", v.centers(), "models", v.models(),
                "state", v.state().name(), "currency", currency, "createdAt", ts(v.createdAt()));
    }

    static Map<String, Object> account(TenantAccount a) {
        return Json.map("tenant", a.tenant(), "currency", a.currency(), "balance", a.balance(),
                "creditLimit", a.creditLimit(), "available", a.available(), "monthlyBudget", a.monthlyBudget(),
                "overrun", a.overrun() == null ? null : a.overrun().name().toLowerCase());
    }

    static Map<String, Object> price(PriceEntry e, String currency) {
        return Json.map("id", e.id(), "center", e.center(), "pool", e.pool(), "model", e.model(),
                "onDemand", e.onDemand(), "preemptible", e.preemptible(), "cpuCoreHour", e.cpuCoreHour(),
                "memoryGiBHour", e.memoryGiBHour(), "from", ts(e.from()), "to", ts(e.to()),
                "source", e.source().name().toLowerCase(), "currency", currency);
    }
}
