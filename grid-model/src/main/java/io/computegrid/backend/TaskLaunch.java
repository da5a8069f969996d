package io.computegrid.backend;

/** One task to start: its index in the gang, the node, the card indices there and milli-cards per card. */
public record TaskLaunch(int index, String node, int[] cards, int milliPerCard) {
    public TaskLaunch {
        cards = cards.clone();
    }

    @Override
    public int[] cards() {
        return cards.clone();
    }
}
