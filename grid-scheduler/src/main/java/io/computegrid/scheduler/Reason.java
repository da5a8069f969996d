package io.computegrid.scheduler;

/**
 * Why the scheduler decided what it did for one job, with the plugin that said so. {@code code}
 * is stable for machines (QUOTA, CAPACITY, NO_FIT, BEHIND, RESERVED, ...); {@code message} is for people.
 */
public record Reason(String plugin, String code, String message) {
}
