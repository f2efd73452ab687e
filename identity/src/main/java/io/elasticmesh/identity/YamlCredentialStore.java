package io.elasticmesh.identity;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.elasticmesh.edge.StrictYaml;
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
 * across principals. Every error names the file, the entry (index and name) and the field, and never repeats a hash
 * ({@link StrictYaml} echoes no text).
 * To reload, {@link #load} the file again and swap the reference the interceptor reads.
 */
public final class YamlCredentialStore implements CredentialStore {

    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    private record PrincipalYaml(
            @JsonProperty(required = true) String name,
            @JsonProperty(required = true) String tenant,
            List<String> roles,
            String apiKeySha256,
            String certificateSubject) {}

    private record Entry(Principal principal, byte[] keyDigest, X500Principal subject) {}

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
            root = StrictYaml.tree(yaml.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": cannot read principals file: " + e.getMessage(), e);
        } catch (IllegalArgumentException invalid) {
            throw new IllegalArgumentException(source + ": " + invalid.getMessage(), invalid);
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
                if (entry.keyDigest() != null
                        && other.keyDigest() != null
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

    /** An entry is named by its index, and by its name once it has one. */
    private static Entry entry(JsonNode node, String at) {
        JsonNode name = node.path("name");
        String where = name.isTextual() && !name.asText().isBlank() ? at + " '" + name.asText() + "'" : at;
        PrincipalYaml yaml = StrictYaml.bind(node, PrincipalYaml.class, where);
        Principal principal;
        try {
            principal = new Principal(
                    yaml.name(), yaml.tenant(), yaml.roles() == null ? Set.of() : new TreeSet<>(yaml.roles()));
        } catch (IllegalArgumentException blank) {
            throw new IllegalArgumentException(where + ": " + blank.getMessage(), blank);
        }
        byte[] keyDigest = null;
        if (yaml.apiKeySha256() != null) {
            try {
                keyDigest = HashKey.parse(yaml.apiKeySha256());
            } catch (IllegalArgumentException invalid) {
                throw new IllegalArgumentException(where + ": field 'api-key-sha256' " + invalid.getMessage(), invalid);
            }
        }
        X500Principal subject = null;
        if (yaml.certificateSubject() != null) {
            try {
                subject = new X500Principal(yaml.certificateSubject());
            } catch (IllegalArgumentException invalid) {
                throw new IllegalArgumentException(
                        where + ": field 'certificate-subject' is not a distinguished " + "name like 'CN=app,O=Org': "
                                + yaml.certificateSubject(),
                        invalid);
            }
        }
        if (keyDigest == null && subject == null) {
            throw new IllegalArgumentException(where + ": needs 'api-key-sha256' or 'certificate-subject' (or both)");
        }
        return new Entry(principal, keyDigest, subject);
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
        return entries.stream()
                .filter(e -> subject.equals(e.subject()))
                .map(Entry::principal)
                .findFirst();
    }
}
