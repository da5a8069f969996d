package io.computegrid.metering;

/**
 * Bad input or a refused operation in the economic layer. The message is one line meant for users;
 * {@link #kind()} tells an HTTP layer which 4xx to answer. Nothing was changed when this is thrown.
 */
public class MeteringException extends IllegalArgumentException {
    /** What went wrong, mapped to 400, 404 and 409 by the API. */
    public enum Kind { INVALID, NOT_FOUND, CONFLICT }

    private final Kind kind;

    public MeteringException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static MeteringException invalid(String message) {
        return new MeteringException(Kind.INVALID, message);
    }

    public static MeteringException notFound(String message) {
        return new MeteringException(Kind.NOT_FOUND, message);
    }

    public static MeteringException conflict(String message) {
        return new MeteringException(Kind.CONFLICT, message);
    }

    public Kind kind() {
        return kind;
    }

    public int httpStatus() {
        return switch (kind) {
            case INVALID -> 400;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
        };
    }
}
