-- Metering, prices, vouchers and the double-entry ledger (issue 5). Versions V200..V299 belong to grid-metering.
-- Amounts are numeric at the currency's minor unit (stored with 4 places of room); never floating point.

create table metering_account (
    id             text primary key,          -- 'tenant:acme' (only tenants are kept here: see Accounts)
    tenant         text not null unique,
    currency       text not null,
    balance        numeric(24, 4) not null default 0,
    credit_limit   numeric(24, 4) not null default 0 check (credit_limit >= 0),
    monthly_budget numeric(24, 4) check (monthly_budget is null or monthly_budget >= 0),
    overrun        text check (overrun is null or overrun in ('stop', 'alert')),
    created_at     timestamptz not null
);

create table metering_price (
    id              bigserial primary key,
    center          text,
    pool            text,
    model           text,
    on_demand       numeric(24, 6) not null check (on_demand >= 0),
    preemptible     numeric(24, 6) check (preemptible >= 0),
    cpu_core_hour   numeric(24, 6) not null default 0 check (cpu_core_hour >= 0),
    memory_gib_hour numeric(24, 6) not null default 0 check (memory_gib_hour >= 0),
    valid_from      timestamptz,
    valid_to        timestamptz,
    set_by          text,
    set_at          timestamptz not null,
    check (valid_to is null or valid_from is null or valid_to > valid_from)
);

create table metering_voucher (
    id          bigserial primary key,
    tenant      text not null,
    issuer      text not null,
    amount      numeric(24, 4) not null check (amount > 0),
    remaining   numeric(24, 4) not null check (remaining >= 0),
    share       numeric(6, 4) not null check (share > 0 and share <= 1),
    valid_from  timestamptz not null,
    valid_to    timestamptz not null check (valid_to > valid_from),
    centers     text[] not null default '{}',
    models      text[] not null default '{}',
    state       text not null default 'ACTIVE' check (state in ('ACTIVE', 'EXPIRED')),
    created_at  timestamptz not null,
    idem_key    text unique
);
create index metering_voucher_tenant on metering_voucher (tenant, state, valid_to, id);

create table metering_usage (
    id                bigint primary key,
    idem_key          text not null unique,
    job_id            bigint not null,
    attempt           int not null,
    task_index        int not null,
    tenant            text not null,
    center            text not null,
    pool              text not null,
    accelerator       text not null,
    provider          text not null,
    milli_cards       int not null,
    cpu_milli         int not null,
    memory_mib        bigint not null,
    started_at        timestamptz not null,
    ended_at          timestamptz not null,
    millis            bigint not null,
    card_seconds      numeric(24, 6) not null,
    pflop_seconds     numeric(28, 9) not null,
    preemptible       boolean not null,
    unit_price        numeric(24, 6) not null,
    price_basis       text not null,
    cost              numeric(24, 4) not null,
    paid_by_vouchers  numeric(24, 4) not null,
    paid_by_balance   numeric(24, 4) not null,
    fee               numeric(24, 4) not null,
    txn_id            bigint,
    recorded_at       timestamptz not null
);
create sequence metering_usage_id_seq;
create index metering_usage_tenant_time on metering_usage (tenant, ended_at, id);
create index metering_usage_task on metering_usage (job_id, attempt, task_index, ended_at);
create index metering_usage_time on metering_usage (ended_at, id);

create table metering_txn (
    id        bigint primary key,
    kind      text not null,
    at        timestamptz not null,
    tenant    text,
    usage_id  bigint,
    voucher_id bigint,
    memo      text,
    idem_key  text unique
);
create sequence metering_txn_id_seq;
create index metering_txn_usage on metering_txn (usage_id);

create table metering_entry (
    txn_id     bigint not null references metering_txn (id),
    account    text not null,
    amount     numeric(24, 4) not null
);
create index metering_entry_txn on metering_entry (txn_id);
create index metering_entry_account on metering_entry (account);
create index metering_txn_tenant on metering_txn (tenant, at);
