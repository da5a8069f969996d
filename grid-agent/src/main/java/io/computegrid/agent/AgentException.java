package io.computegrid.agent;

/** The agent cannot go on (a refused join token, a bad option, its directory in use): one line and an exit code. */
public final class AgentException extends Exception {
    private final int exitCode;

    public AgentException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
