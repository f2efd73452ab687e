package io.elasticmesh.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.security.auth.x500.X500Principal;

/**
 * An immutable snapshot of the principals in a YAML file:
 *
 * <pre>
 * principals:
 *   - name: acme-app                 # unique; the only credential-related thing ever logged
 *     tenant: acme
 *     roles: [client]                # optional, default none
 *     api-key-sha256: "sha256:…"     # see HashKey
 *     certificate-subject: "CN=acme-app,O=Acme"   # optional mTLS client certificate subject
 * </pre>
 *
 * Each principal needs at least one of {@code api-key-sha256} and {@code certificate-subject}; both must be unique
 * across principals. Every error names the file, the entry (index and name) and the field, and never repeats a hash.
 * To reload, {@link #load} the file again and swap the reference the interceptor reads.
 */
public final class YamlCredentialStore implements CredentialStore {

    private static final List<String> FIELDS = List.of("name", "tenant", "roles", "api-key-sha256",
            "certificate-subject");

    private record Entry(Principal principal, byte[] keyDigest, X500Principal subject) {
    }

    private final List<Entry> entries;

    private YamlCredentialStore(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** @throws IllegalArgumentException naming the file, entry and field of an invalid entry */
    public static YamlCredentialStore load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read principals file: " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException naming {@code source}, the entry and the field of an invalid entry */
    public static YamlCredentialStore parse(InputStream yaml, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
        }
        JsonNode list = root == null ? null : root.get("principals");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException(source + ": no principals defined (expected a 'principals' list)");
        }
        List<Entry> entries = new ArrayList<>();
        Map<String, String> firstByName = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Entry entry = entry(list.get(i), source + ": principals[" + i + "]");
            String where = where(source, i, entry.principal());
            String previous = firstByName.putIfAbsent(entry.principal().name(), where);
            if (previous != null) {
                throw new IllegalArgumentException(where + ": name is already used by " + previous);
            }
            for (int j = 0; j < entries.size(); j++) {
                Entry other = entries.get(j);
                if (entry.keyDigest() != null && other.keyDigest() != null
                        && MessageDigest.isEqual(entry.keyDigest(), other.keyDigest())) {
                    throw new IllegalArgumentException(where + ": field 'api-key-sha256' is the same as in "
                            + where(source, j, other.principal()) + "; each key must identify one principal");
                }
                if (entry.subject() != null && entry.subject().equals(other.subject())) {
                    throw new IllegalArgumentException(where + ": field 'certificate-subject' is the same as in "
                            + where(source, j, other.principal()) + "; each subject must identify one principal");
                }
            }
            entries.add(entry);
        }
        return new YamlCredentialStore(entries);
    }

    private static String where(String source, int index, Principal principal) {
        return source + ": principals[" + index + "] '" + principal.name() + "'";
    }

    private static Entry entry(JsonNode node, String at) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(at + ": expected a mapping of " + FIELDS);
        }
        String name = text(node, "name", at);
        String where = at + " '" + name + "'";
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(where + ": unknown field(s) " + unknown + "; known: " + FIELDS);
        }
        Principal principal = new Principal(name, text(node, "tenant", where), roles(node, where));
        byte[] keyDigest = null;
        if (node.has("api-key-sha256")) {
            String stored = text(node, "api-key-sha256", where);
            try {
                keyDigest = HashKey.parse(stored);
            } catch (IllegalArgumentException invalid) {
                throw new IllegalArgumentException(where + ": field 'api-key-sha256' " + invalid.getMessage(),
                        invalid);
            }
        }
        X500Principal subject = null;
        if (node.has("certificate-subject")) {
            String dn = text(node, "certificate-subject", where);
            try {
                subject = new X500Principal(dn);
            } catch (IllegalArgumentException invalid) {
                throw new IllegalArgumentException(where + ": field 'certificate-subject' is not a distinguished "
                        + "name like 'CN=app,O=Org': " + dn, invalid);
            }
        }
        if (keyDigest == null && subject == null) {
            throw new IllegalArgumentException(where + ": needs 'api-key-sha256' or 'certificate-subject' (or both)");
        }
        return new Entry(principal, keyDigest, subject);
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException(where + ": missing field '" + field + "'");
        }
        if (!value.isTextual() || value.asText().isBlank()) {
            // The value is not echoed: it may be a mis-pasted key.
            throw new IllegalArgumentException(where + ": field '" + field + "' must be non-blank text");
        }
        return value.asText();
    }

    private static Set<String> roles(JsonNode node, String where) {
        JsonNode value = node.get("roles");
        if (value == null || value.isNull()) {
            return Set.of();
        }
        IllegalArgumentException invalid = new IllegalArgumentException(where
                + ": field 'roles' must be a list of non-blank names, was " + value);
        if (!value.isArray()) {
            throw invalid;
        }
        Set<String> roles = new TreeSet<>();
        for (JsonNode role : value) {
            if (!role.isTextual() || role.asText().isBlank()) {
                throw invalid;
            }
            roles.add(role.asText());
        }
        return roles;
    }

    public List<Principal> principals() {
        return entries.stream().map(Entry::principal).toList();
    }

    @Override
    public Optional<Principal> findByApiKey(String apiKey) {
        byte[] digest = HashKey.digest(apiKey);
        Principal found = null;
        // Compare with every entry, constant time each, so timing says nothing about which entry (if any) matched.
        for (Entry entry : entries) {
            if (entry.keyDigest() != null && MessageDigest.isEqual(digest, entry.keyDigest())) {
                found = entry.principal();
            }
        }
        return Optional.ofNullable(found);
    }

    @Override
    public Optional<Principal> findByCertificateSubject(X500Principal subject) {
        return entries.stream().filter(e -> subject.equals(e.subject())).map(Entry::principal).findFirst();
    }
}
