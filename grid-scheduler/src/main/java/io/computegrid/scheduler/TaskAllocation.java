package io.computegrid.scheduler;

import java.util.Arrays;

/**
 * Where one task of a job runs: a node, the card indices it holds there and how many milli-cards
 * of each (1000 for whole cards; less for a fraction of one card), plus CPU and memory.
 */
public record TaskAllocation(int taskIndex, String node, int[] cards, int milliPerCard, int cpuMilli, long memoryMiB) {
    public TaskAllocation {
        cards = cards.clone();
    }

    @Override
    public int[] cards() {
        return cards.clone();
    }

    public int cardCount() {
        return cards.length;
    }

    /** Milli-cards held in total. */
    public long milliCards() {
        return (long) cards.length * milliPerCard;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskAllocation t && t.taskIndex == taskIndex && t.node.equals(node)
                && Arrays.equals(t.cards, cards) && t.milliPerCard == milliPerCard && t.cpuMilli == cpuMilli
                && t.memoryMiB == memoryMiB;
    }

    @Override
    public int hashCode() {
        return node.hashCode() * 31 + Arrays.hashCode(cards) + taskIndex;
    }

    @Override
    public String toString() {
        return "task " + taskIndex + " on " + node + " cards " + Arrays.toString(cards)
                + (milliPerCard == 1000 ? "" : " x" + milliPerCard + "m");
    }
}
