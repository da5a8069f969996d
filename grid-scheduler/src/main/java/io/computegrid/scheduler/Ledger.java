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
    /** Milli-cards of each model held by anyone, whatever account they are charged to. */
    private final long[] physicalUsed;
    /** The federation's capacity and use in P units (milli-cards x TFLOPS), over every model. */
    private long capacityP;
    private long usedP;
    /** Idle nominal quota not lent, over every account, in P units (model accounts at their model's TFLOPS). */
    private long protectedIdleP;

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
        physicalUsed = new long[models.length];
        for (int i = 0; i < models.length; i++) {
            modelIndex.put(models[i], i);
            tflops[i] = tflopsOf(models[i]);
            capacityMilli[i] = cap.get(models[i]);
            capacityP += Math.round(capacityMilli[i] * tflops[i]);
        }
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
        protectedIdleP += inP(a, protectedIdle(a));
        return a;
    }

    private static long protectedIdle(Account a) {
        return Math.max(0, a.nominal - a.used - a.lendable);
    }

    private double tflopsOf(String model) {
        return catalog.find(model).map(x -> x.fp16Tflops()).orElse(100.0);
    }

    /** Some units of an account in P units (a model account's milli-cards at its model's TFLOPS). */
    private long inP(Account a, long units) {
        return Quota.NORMALISED.equals(a.resource) ? units : Math.round(units * tflopsOf(a.resource));
    }

    /** Amount of quota units a number of milli-cards of a model uses on an account. */
    long units(Account a, int model, long milli) {
        return Quota.NORMALISED.equals(a.resource) ? Math.round(milli * tflops[model]) : milli;
    }

    /** Records usage (milli may be negative to give back). */
    void add(TenantState t, int model, long milli) {
        t.usedByModel[model] += milli;
        physicalUsed[model] += milli;
        usedP += Math.round(milli * tflops[model]);
        Account a = account(t, models[model]);
        if (a != null) {
            long units = units(a, model, milli);
            Cohort co = cohort(a.resource);
            co.protectedIdle -= protectedIdle(a);
            protectedIdleP -= inP(a, protectedIdle(a));
            a.used += units;
            co.protectedIdle += protectedIdle(a);
            protectedIdleP += inP(a, protectedIdle(a));
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
            // not a quota matter (the job then waits for capacity, and may hold a reservation). Two views:
            // the model's own cards (owners of a quota on this model), and the whole federation in P
            // (owners of a P quota, which any model may serve). Both count every tenant's use of the
            // cards, whatever account it is charged to.
            long mine = protectedIdle(a);
            Cohort cm = cohorts.get(models[model]);
            long protectedModel = (cm == null ? 0 : cm.protectedIdle) - (a.resource.equals(models[model]) ? mine : 0);
            long freeModel = capacityMilli[model] - physicalUsed[model] - milli;
            if (freeModel >= 0 && freeModel < protectedModel) {
                return new Reason("quota", "QUOTA", "tenant " + t.name + " would borrow " + fmt(a, over) + " "
                        + unit(a) + " beyond its nominal " + fmt(a, a.nominal) + ", but " + thousandths(protectedModel)
                        + " of the idle " + models[model] + " cards are nominal quota their owners do not lend "
                        + "(lendingLimit); " + thousandths(Math.max(0, capacityMilli[model] - physicalUsed[model]
                        - protectedModel)) + " can be borrowed now");
            }
            long protectedFed = protectedIdleP - inP(a, mine);
            long freeFed = capacityP - usedP - Math.round(milli * tflops[model]);
            if (freeFed >= 0 && freeFed < protectedFed) {
                return new Reason("quota", "QUOTA", "tenant " + t.name + " would borrow " + fmt(a, over) + " "
                        + unit(a) + " beyond its nominal " + fmt(a, a.nominal) + ", but " + thousandths(protectedFed)
                        + " milli-PFLOPS (P) of the federation's idle capacity is nominal quota its owners do not lend "
                        + "(lendingLimit); " + thousandths(Math.max(0, capacityP - usedP - protectedFed))
                        + " can be borrowed now");
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
        return units >= Long.MAX_VALUE / 4 ? "unlimited" : thousandths(units);
    }

    /** Milli-cards as cards, or thousandths of milli-PFLOPS as milli-PFLOPS: "3", "0.25". */
    static String thousandths(long units) {
        double v = units / 1000.0;
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    List<String> modelList() {
        return List.of(models);
    }
}
