package io.elasticmesh.identity;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who is calling: a principal {@code name} (unique, safe to log), the {@code tenant} it acts for, and its
 * {@code roles} (e.g. {@code client}, {@code auditor}, {@code compliance}). Roles are kept sorted so logs and error
 * messages read the same every time.
 */
public record Principal(String name, String tenant, Set<String> roles) {

    public Principal {
        requireText(name, "name");
        requireText(tenant, "tenant");
        roles.forEach(role -> requireText(role, "role"));
        roles = Collections.unmodifiableSortedSet(new TreeSet<>(roles));
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("principal " + what + " must not be blank");
        }
    }
}
