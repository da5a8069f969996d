package io.computegrid.model;

import java.util.Locale;

/** What a token may do: admins everything, operators run the platform, members act in their tenant. */
public enum Role {
    ADMIN, OPERATOR, MEMBER;

    public boolean isOperator() {
        return this != MEMBER;
    }

    public static Role parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("role '" + s + "' is not one of admin, operator, member");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
