package io.computegrid.cli;

import java.util.List;

/** Commands contributed by optional subsystems (the economic layer's usage, topup, voucher, bill). */
final class Extensions {
    private Extensions() {
    }

    static List<Object> commands() {
        return List.copyOf(io.computegrid.cli.billing.BillingCommands.commands());
    }
}
