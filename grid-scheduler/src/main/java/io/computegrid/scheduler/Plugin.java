package io.computegrid.scheduler;

/** A step of the scheduling pipeline. Its name appears in every reason it gives. */
interface Plugin {
    String name();
}
