package io.computegrid.metering.statement;

import io.computegrid.spec.Documents;
import java.math.BigDecimal;

/** Renders statements as JSON (the API's body), CSV (one row per line) and a printable HTML page. */
public final class StatementRenderer {
    private StatementRenderer() {
    }

    public static String json(Object statementOrSettlement) {
        return Documents.json().writeValueAsString(statementOrSettlement);
    }

    public static String csv(Statement s) {
        StringBuilder b = new StringBuilder(64 + s.lines().size() * 96);
        b.append("tenant,month,currency,job_id,accelerator,center,records,card_hours,pflop_hours,cost,"
                + "paid_by_vouchers,paid_by_balance\n");
        for (Statement.Line l : s.lines()) {
            b.append(cell(s.tenant())).append(',').append(s.month()).append(',').append(s.currency()).append(',')
                    .append(l.jobId()).append(',').append(cell(l.accelerator())).append(',').append(cell(l.center()))
                    .append(',').append(l.records()).append(',').append(plain(l.cardHours())).append(',')
                    .append(plain(l.pflopHours())).append(',').append(plain(l.cost())).append(',')
                    .append(plain(l.paidByVouchers())).append(',').append(plain(l.paidByBalance())).append('\n');
        }
        b.append(cell(s.tenant())).append(',').append(s.month()).append(',').append(s.currency())
                .append(",TOTAL,,,").append(s.records()).append(',').append(plain(s.cardHours())).append(',')
                .append(plain(s.pflopHours())).append(',').append(plain(s.total())).append(',')
                .append(plain(s.paidByVouchers())).append(',').append(plain(s.paidByBalance())).append('\n');
        return b.toString();
    }

    public static String csv(Settlement s) {
        StringBuilder b = new StringBuilder("month,currency,provider,center,tenant,records,card_hours,gross,fees,net\n");
        for (Settlement.Provider p : s.providers()) {
            for (Settlement.Line l : p.lines()) {
                b.append(s.month()).append(',').append(s.currency()).append(',').append(cell(p.provider())).append(',')
                        .append(cell(l.center())).append(',').append(cell(l.tenant())).append(',').append(l.records())
                        .append(',').append(plain(l.cardHours())).append(',').append(plain(l.gross())).append(',')
                        .append(plain(l.fees())).append(',').append(plain(l.net())).append('\n');
            }
        }
        return b.toString();
    }

    public static String html(Statement s) {
        StringBuilder b = new StringBuilder(2048 + s.lines().size() * 200);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Statement ")
                .append(esc(s.tenant())).append(' ').append(s.month()).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}")
                .append("th,td{border-bottom:1px solid #ccc;padding:4px 8px;text-align:right}")
                .append("th:nth-child(-n+3),td:nth-child(-n+3){text-align:left}.sum td{font-weight:bold}")
                .append("@media print{body{margin:0}}</style></head><body>\n")
                .append("<h1>Statement of ").append(esc(s.tenant())).append(" for ").append(s.month()).append("</h1>\n")
                .append("<p>Period ").append(esc(s.from())).append(" to ").append(esc(s.to()))
                .append(" (UTC). Amounts in ").append(esc(s.currency())).append(".</p>\n<table class=\"summary\">")
                .append(row("Opening balance", s.openingBalance())).append(row("Top-ups", s.topUps()))
                .append(row("Total charges", s.total())).append(row("Paid by vouchers", s.paidByVouchers()))
                .append(row("Paid from balance", s.paidByBalance())).append(row("Closing balance", s.closingBalance()))
                .append("</table>\n<h2>Usage</h2>\n<table><tr><th>Job</th><th>Accelerator</th><th>Center</th>")
                .append("<th>Records</th><th>Card-hours</th><th>P&middot;h</th><th>Cost</th><th>Vouchers</th>")
                .append("<th>Balance</th></tr>\n");
        for (Statement.Line l : s.lines()) {
            b.append("<tr><td>").append(l.jobId()).append("</td><td>").append(esc(l.accelerator())).append("</td><td>")
                    .append(esc(l.center())).append("</td><td>").append(l.records()).append("</td><td>")
                    .append(plain(l.cardHours())).append("</td><td>").append(plain(l.pflopHours())).append("</td><td>")
                    .append(plain(l.cost())).append("</td><td>").append(plain(l.paidByVouchers())).append("</td><td>")
                    .append(plain(l.paidByBalance())).append("</td></tr>\n");
        }
        b.append("<tr class=\"sum\"><td>Total</td><td></td><td></td><td>").append(s.records()).append("</td><td>")
                .append(plain(s.cardHours())).append("</td><td>").append(plain(s.pflopHours())).append("</td><td>")
                .append(plain(s.total())).append("</td><td>").append(plain(s.paidByVouchers())).append("</td><td>")
                .append(plain(s.paidByBalance())).append("</td></tr>\n</table>\n");
        if (!s.vouchers().isEmpty()) {
            b.append("<h2>Vouchers used</h2>\n<table><tr><th>Voucher</th><th>Issuer</th><th></th><th>Used</th>")
                    .append("<th>Remaining</th></tr>\n");
            for (Statement.VoucherUse v : s.vouchers()) {
                b.append("<tr><td>").append(v.voucherId()).append("</td><td>").append(esc(v.issuer()))
                        .append("</td><td></td><td>").append(plain(v.used())).append("</td><td>")
                        .append(plain(v.remaining())).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    private static String row(String label, BigDecimal v) {
        return "<tr><td>" + label + "</td><td>" + plain(v) + "</td></tr>";
    }

    static String plain(BigDecimal d) {
        return d == null ? "" : d.toPlainString();
    }

    static String cell(String s) {
        if (s == null) {
            return "";
        }
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
