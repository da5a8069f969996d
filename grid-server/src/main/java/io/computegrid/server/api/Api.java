package io.computegrid.server.api;

import io.computegrid.server.auth.Principal;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/** Small helpers shared by route modules: the caller, path ids, paging and permission checks. */
public final class Api {
    public static final String PRINCIPAL = "grid.principal";
    public static final int MAX_LIMIT = 500;

    private Api() {
    }

    public static Principal principal(Context ctx) {
        Principal p = ctx.attribute(PRINCIPAL);
        if (p == null) {
            throw new ApiException(401, "Unauthorized", "a bearer token is required");
        }
        return p;
    }

    public static Principal operator(Context ctx) {
        Principal p = principal(ctx);
        if (!p.isOperator()) {
            throw ApiException.forbidden("this needs an operator or admin token");
        }
        return p;
    }

    /** A numeric id from the path; anything else is a job that does not exist. */
    public static long id(Context ctx, String param) {
        String s = ctx.pathParam(param);
        try {
            long v = Long.parseLong(s);
            if (v <= 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw ApiException.notFound("no job " + clip(s));
        }
    }

    public static int limit(Context ctx) {
        String s = ctx.queryParam("limit");
        if (s == null) {
            return 100;
        }
        try {
            int n = Integer.parseInt(s);
            if (n < 1 || n > MAX_LIMIT) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("limit: must be between 1 and " + MAX_LIMIT);
        }
    }

    /** Keyset cursor: the last id of the previous page. */
    public static Long cursor(Context ctx) {
        String s = ctx.queryParam("cursor");
        if (s == null || s.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("cursor: not a cursor returned by this API");
        }
    }

    /** A page of items with the cursor for the next page (null on the last page). */
    public static <T> Map<String, Object> page(List<T> items, int limit, ToLongFunction<T> id) {
        String next = items.size() == limit && !items.isEmpty()
                ? Long.toString(id.applyAsLong(items.get(items.size() - 1))) : null;
        return Json.map("items", items, "nextCursor", next);
    }

    public static String clip(String s) {
        if (s == null) {
            return "null";
        }
        String t = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return t.replaceAll("\\p{Cntrl}", "?");
    }
}
