package io.computegrid.server.api;

/** An error for the client, rendered as application/problem+json with the given status. */
public class ApiException extends RuntimeException {
    private final int status;
    private final String title;
    private final java.util.Map<String, Object> members;

    public ApiException(int status, String title, String detail) {
        this(status, title, detail, java.util.Map.of());
    }

    /** With extension members of the problem document (such as the active server's URL on a standby's 503). */
    public ApiException(int status, String title, String detail, java.util.Map<String, Object> members) {
        super(detail);
        this.status = status;
        this.title = title;
        this.members = java.util.Map.copyOf(members);
    }

    public java.util.Map<String, Object> members() {
        return members;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public static ApiException badRequest(String detail) {
        return new ApiException(400, "Bad Request", detail);
    }

    public static ApiException notFound(String detail) {
        return new ApiException(404, "Not Found", detail);
    }

    public static ApiException forbidden(String detail) {
        return new ApiException(403, "Forbidden", detail);
    }

    public static ApiException conflict(String detail) {
        return new ApiException(409, "Conflict", detail);
    }

    /** 503: this server does not serve requests now (a standby, or one that lost leadership). */
    public static ApiException unavailable(String detail, java.util.Map<String, Object> members) {
        return new ApiException(503, "Service Unavailable", detail, members);
    }

    public static ApiException unprocessable(String detail) {
        return new ApiException(422, "Unprocessable Content", detail);
    }
}
