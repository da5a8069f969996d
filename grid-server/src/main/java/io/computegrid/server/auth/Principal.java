package io.computegrid.server.auth;

import io.computegrid.model.Role;

/** Who is calling: a token's role and, for members, their tenant (operators may have none). */
public record Principal(long tokenId, Role role, String tenant) {
    public boolean isOperator() {
        return role.isOperator();
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    /** May this caller see or touch objects of {@code t}? */
    public boolean canAccessTenant(String t) {
        return isOperator() || (tenant != null && tenant.equals(t));
    }
}
