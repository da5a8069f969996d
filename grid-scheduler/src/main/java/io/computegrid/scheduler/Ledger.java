package io.computegrid.scheduler;

import io.computegrid.model.AcceleratorCatalog;
import io.computegrid.model.Quota;
import io.computegrid.model.Tenant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who holds what in one cycle: per tenant and quota resource the usage, nominal quota, borrowing and
 * lending limits, and each tenant's dominant share for fair share. Updated as the cycle places jobs.
 *
 * <p>Units: a quota on a model counts milli-cards (1000 per card). A quota on {@link Quota#NORMALISED}
 * ("P") is stated in milli-PFLOPS of rated FP16 dense compute (1 milli-PFLOPS = 1 TFLOPS; one
 * nvidia-a100 card is 312) and counted here in thousandths of that unit: milli-cards x TFLOPS of the
 * model. A tenant's usage of a model counts against its quota for that model if it has one, else against
 * its P quota, else (setting {@code quota.unlisted}) against an implicit nominal 0 that may borrow, or not at all.
 */
final class Ledger {
    static final int UNLIMITED_INT = Integer.MAX_VALUE;

    /** One quota resource of one tenant. */
    static final class Account {
        final String resource;
        final long nominal;
        final long limit;
        final long lendable;
        long used;

        Account(String resource, long nominal, long limit, long lendable) {
            this.resource = resource;
            this.nominal = nominal;
            this.limit = limit;
            this.lendable = lendable;
        }
    }

    /** A tenant in this cycle. */
    static final class TenantState {
        final int index;
        final String name;
        final double weight;
        final String region;
        final Tenant config;
        final Map<String, Account> accounts = new HashMap<>();
        final long[] usedByModel;
        double dominantShare;
        double history;

        TenantState(int index, String name, double weight, String region, Tenant config, int models) {
            this.index = index;
            this.name = name;
            this.weight = weight;
            this.region = region;
            this.config = config;
            this.usedByModel = new long[models];
        }
    }

    /** Totals of one quota resource over all tenants (the cohort is the whole federation). */
    static final class Cohort {
        long capacity;
        long used;
        /** Idle nominal quota that its owners do not lend (nominal - used - lendingLimit, when positive). */
        long protectedIdle;
    }

    final AcceleratorCatalog catalog;
    final boolean unlistedBorrows;
    final double historyWeight;
    final Map<String, Integer> modelIndex = new HashMap<>();
    final String[] models;
    final double[] tflops;
    final long[] capacityMilli;
    final Map<String, TenantState> tenants = new HashMap<>();
    final Map<String, Cohort> cohorts = new HashMap<>();
    final Map<String, Tenant> configs = new HashMap<>();
    private final Map<String, Double> decayed;
    private final double decayedTotal;

    Ledger(Snapshot s, Cluster c, SchedulerSettings settings) {
        this.catalog = s.federation() == null ? AcceleratorCatalog.defaults() : s.federation().catalog();
        this.unlistedBorrows = "borrow".equals(settings.unlistedQuota());
        this.historyWeight = settings.historyWeight();
        Map<String, Long> cap = new java.util.LinkedHashMap<>();
        for (int i = 0; i < c.nodes.length; i++) {
            NodeInfo n = c.nodes[i];
            if (n.schedulable()) {
                cap.merge(n.accelerator(), n.cards() * 1000L, Long::sum);
            } else {
                cap.putIfAbsent(n.accelerator(), 0L);
            }
        }
        models = cap.keySet().toArray(new String[0]);
        tflops = new double[models.length];
        capacityMilli = new long[models.length];
        long capP = 0;
        for (int i = 0; i < models.length; i++) {
            modelIndex.put(models[i], i);
            tflops[i] = catalog.find(models[i]).map(a -> a.fp16Tflops()).orElse(100.0);
            capacityMilli[i] = cap.get(models[i]);
            capP += Math.round(capacityMilli[i] * tflops[i]);
            cohort(models[i]).capacity = capacityMilli[i];
        }
        cohort(Quota.NORMALISED).capacity = capP;
        if (s.federation() != null) {
            for (Tenant t : s.federation().tenants()) {
                configs.put(t.name(), t);
            }
        }
        this.decayed = s.decayedUsage();
        double tot = 0;
        for (double v : decayed.values()) {
            tot += Math.max(0, v);
        }
        this.decayedTotal = tot;
        if (s.federation() != null) {
            for (Tenant t : s.federation().tenants()) {
                tenant(t.name());
            }
        }
        for (RunningJob r : s.running()) {
            Integer m = modelIndex.get(r.accelerator());
            if (m == null) {
                continue;
            }
            add(tenant(r.tenant()), m, r.milliCards());
        }
    }

    private Cohort cohort(String resource) {
        return cohorts.computeIfAbsent(resource, k -> new Cohort());
    }

    TenantState tenant(String name) {
        TenantState t = tenants.get(name);
        if (t == null) {
            Tenant cfg = configs.get(name);
            t = new TenantState(tenants.size(), name, cfg == null ? 1.0 : cfg.weight(),
                    cfg == null ? "default" : cfg.region(), cfg, models.length);
            Double d = decayed.get(name);
            t.history = decayedTotal > 0 && d != null ? Math.max(0, d) / decayedTotal : 0;
            tenants.put(name, t);
            if (cfg != null) {
                for (Quota q : cfg.quotas()) {
                    account(t, q.accelerator());
                }
            }
        }
        return t;
    }

    /** The account a model's usage is charged to for this tenant, or null when it has none (unlisted, deny). */
    Account account(TenantState t, String model) {
        Account a = t.accounts.get(model);
        if (a != null) {
            return a;
        }
        Quota q = t.config == null ? null : t.config.quotaFor(model).orElse(null);
        if (q == null && !Quota.NORMALISED.equals(model)) {
            Account p = t.config == null || t.config.quotaFor(Quota.NORMALISED).isEmpty() ? null
                    : account(t, Quota.NORMALISED);
            if (p != null) {
                return p;
            }
        }
        if (q == null && !unlistedBorrows) {
            return null;
        }
        long nominal = q == null ? 0 : q.nominal() * 1000L;
        long limit = q == null || q.borrowingLimit() == null ? Long.MAX_VALUE : (q.nominal() + (long) q.borrowingLimit()) * 1000L;
        long lend = q == null ? 0 : (q.lendingLimit() == null ? q.nominal() : q.lendingLimit()) * 1000L;
        a = new Account(model, nominal, limit, lend);
        t.accounts.put(model, a);
        cohort(model).protectedIdle += protectedIdle(a);
        return a;
    }

    private static long protectedIdle(Account a) {
        return Math.max(0, a.nominal - a.used - a.lendable);
    }

    /** Amount of quota units a number of milli-cards of a model uses on an account. */
    long units(Account a, int model, long milli) {
        return Quota.NORMALISED.equals(a.resource) ? Math.round(milli * tflops[model]) : milli;
    }

    /** Records usage (milli may be negative to give back). */
    void add(TenantState t, int model, long milli) {
        t.usedByModel[model] += milli;
        Account a = account(t, models[model]);
        if (a != null) {
            long units = units(a, model, milli);
            Cohort co = cohort(a.resource);
            co.protectedIdle -= protectedIdle(a);
            a.used += units;
            co.used += units;
            co.protectedIdle += protectedIdle(a);
        }
        double share = 0;
        for (int m = 0; m < models.length; m++) {
            if (capacityMilli[m] > 0) {
                share = Math.max(share, (double) t.usedByModel[m] / capacityMilli[m]);
            }
        }
        t.dominantShare = share;
    }

    /** Fair-share key: blended current dominant share and past usage, over weight (lower goes first). */
    double fairKey(TenantState t) {
        return ((1 - historyWeight) * t.dominantShare + historyWeight * t.history) / t.weight;
    }

    /**
     * Null when the tenant may take {@code milli} more milli-cards of the model; otherwise the reason
     * with the numbers.
     */
    Reason check(TenantState t, int model, long milli) {
        Account a = account(t, models[model]);
        if (a == null) {
            return new Reason("quota", "QUOTA", "tenant " + t.name + " has no quota for " + models[model]
                    + " (scheduler.quota.unlisted is deny)");
        }
        long want = units(a, model, milli);
        if (a.used + want > a.limit) {
            return new Reason("quota", "QUOTA", "tenant " + t.name + " uses " + fmt(a, a.used) + " of nominal "
                    + fmt(a, a.nominal) + " + borrowing limit " + fmt(a, a.limit - a.nominal) + " " + unit(a)
                    + " (" + fmt(a, Math.max(0, a.limit - a.used)) + " left); this job needs " + fmt(a, want));
        }
        long over = Math.max(0, a.used + want - a.nominal) - Math.max(0, a.used - a.nominal);
        if (over > 0) {
            // borrowing may not eat into idle quota its owners do not lend; a plain lack of free cards is
            // not a quota matter (the job then waits for capacity, and may hold a reservation)
            Cohort co = cohorts.get(a.resource);
            long freeAfter = co.capacity - co.used - want;
            long othersProtected = co.protectedIdle - protectedIdle(a);
            if (freeAfter >= 0 && freeAfter < othersProtected) {
                return new Reason("quota", "QUOTA", "tenant " + t.name + " would borrow " + fmt(a, over) + " "
                        + unit(a) + " beyond its nominal " + fmt(a, a.nominal) + ", but " + fmt(a, othersProtected)
                        + " of the idle capacity is nominal quota its owners do not lend (lendingLimit); "
                        + fmt(a, Math.max(0, co.capacity - co.used - othersProtected)) + " can be borrowed now");
            }
        }
        return null;
    }

    /** Whether the job would stay within the tenant's nominal quota (reclaim may preempt borrowed work for it). */
    boolean withinNominal(TenantState t, int model, long milli) {
        Account a = account(t, models[model]);
        return a != null && a.used + units(a, model, milli) <= a.nominal;
    }

    static String unit(Account a) {
        return Quota.NORMALISED.equals(a.resource) ? "milli-PFLOPS (P)" : a.resource + " cards";
    }

    static String fmt(Account a, long units) {
        if (units >= Long.MAX_VALUE / 4) {
            return "unlimited";
        }
        double v = units / 1000.0;
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    List<String> modelList() {
        return List.of(models);
    }
}
