package io.computegrid.backend;

/** A backend could not do what was asked; {@code retryable} when trying again later may work. */
public class BackendException extends Exception {
    private final boolean retryable;

    public BackendException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public BackendException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }
}
