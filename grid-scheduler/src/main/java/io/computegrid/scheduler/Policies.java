package io.computegrid.scheduler;

import java.util.List;

/**
 * Scheduling policies by name (CONTRACT.md: fifo, backfill, sjf, las, drf, bestfit, default). All are
 * configurations of the same plugin pipeline ({@link PipelineScheduler}); {@code default} is what the
 * server runs. Settings come from each snapshot's federation ({@code scheduler}, {@code network}).
 */
public final class Policies {
    public static final List<String> NAMES = List.of("fifo", "backfill", "sjf", "las", "drf", "bestfit", "default");

    private Policies() {
    }

    public static Scheduler byName(String name) {
        return byName(name, null);
    }

    /** A policy with fixed settings (null: read them from each snapshot's federation). */
    public static Scheduler byName(String name, SchedulerSettings settings) {
        if (name == null) {
            throw new IllegalArgumentException("policy name is required; known: " + NAMES);
        }
        return switch (name) {
            // strict arrival order: the first job without room stops the line; quota-blocked jobs are skipped
            case "fifo" -> new PipelineScheduler("fifo", SortedOrder.fifo(), new BestFitChoice(), true, true, false,
                    false, settings);
            // arrival order with EASY backfill
            case "backfill" -> new PipelineScheduler("backfill", SortedOrder.fifo(), new BestFitChoice(), true, false,
                    true, false, settings);
            // oracle: shortest true duration first, skipping jobs without room
            case "sjf" -> new PipelineScheduler("sjf", SortedOrder.sjf(), new BestFitChoice(), true, false, false,
                    false, settings);
            // Tiresias 2D-LAS: queues by attained card-seconds, arrival order inside a queue; a job may
            // preempt running jobs demoted to a lower queue
            case "las" -> new PipelineScheduler("las", SortedOrder.las(), new BestFitChoice(), true, false, false,
                    new LasPreemptor(), settings);
            case "drf" -> new PipelineScheduler("drf", new FairShareOrder(), new BestFitChoice(), true, false, false,
                    false, settings);
            case "bestfit" -> new PipelineScheduler("bestfit", SortedOrder.fifo(), new BestFitChoice(), true, false,
                    false, false, settings);
            case "default" -> new PipelineScheduler("default", new FairShareOrder(), new CenterScorer(), true, false,
                    true, true, settings);
            default -> throw new IllegalArgumentException("unknown policy '" + name + "'; known: " + NAMES);
        };
    }
}
