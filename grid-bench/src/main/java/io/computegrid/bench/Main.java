package io.computegrid.bench;

/** Runs the scheduler benchmark from the command line: {@code nodes pending tenants [cycles naiveCycles]}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int pending = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        int tenants = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int cycles = args.length > 3 ? Integer.parseInt(args[3]) : 12;
        int naive = args.length > 4 ? Integer.parseInt(args[4]) : 4;
        SchedulerBench.Result r = SchedulerBench.run(new SchedulerBench.Options(nodes, pending, tenants, cycles, naive,
                42, "default", true));
        System.out.println(r.toMap());
    }
}
