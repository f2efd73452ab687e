package io.elasticmesh.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import javax.security.auth.x500.X500Principal;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlCredentialStoreTests {

    private static final String ACME_KEY = "acme-secret-1";
    private static final String ACME_HASH = HashKey.of(ACME_KEY);

    private static YamlCredentialStore parse(String yaml) {
        return YamlCredentialStore.parse(
                new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "principals.yaml");
    }

    private static final YamlCredentialStore STORE = parse("""
            principals:
              - name: acme-app
                tenant: acme
                roles: [client]
                api-key-sha256: "%s"
              - name: compliance-bot
                tenant: elastic-mesh
                roles: [compliance, auditor]
                certificate-subject: "CN=compliance-bot,O=Elastic Mesh"
              - name: globex-app
                tenant: globex
                api-key-sha256: "%s"
            """.formatted(ACME_HASH, HashKey.of("globex-secret")));

    @Test
    void resolvesEachPrincipalByItsOwnCredential() {
        assertThat(STORE.findByApiKey(ACME_KEY)).contains(new Principal("acme-app", "acme", Set.of("client")));
        assertThat(STORE.findByApiKey("globex-secret")).contains(new Principal("globex-app", "globex", Set.of()));
        assertThat(STORE.findByCertificateSubject(new X500Principal("cn=compliance-bot, o=Elastic Mesh")))
                .contains(new Principal("compliance-bot", "elastic-mesh", Set.of("auditor", "compliance")));
        assertThat(STORE.findByCertificateSubject(new X500Principal("CN=acme-app,O=Acme")))
                .isEmpty();
    }

    @Property
    void anyOtherKeyIdentifiesNoOne(@ForAll String key) {
        if (!key.equals(ACME_KEY) && !key.equals("globex-secret")) {
            assertThat(STORE.findByApiKey(key)).isEmpty();
        }
    }

    @Test
    void theStoredHashItselfIsNotAKey() {
        assertThat(STORE.findByApiKey(ACME_HASH)).isEmpty();
    }

    @Test
    void loadNamesTheFileInErrors(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("principals.yaml"), """
                principals:
                  - name: acme-app
                    tenant: acme
                    api-key-sha256: "%s"
                """.formatted(ACME_HASH));
        assertThat(YamlCredentialStore.load(file).principals())
                .extracting(Principal::name)
                .containsExactly("acme-app");

        Files.writeString(file, "principals: []\n");
        assertThatThrownBy(() -> YamlCredentialStore.load(file))
                .hasMessage(file + ": no principals defined (expected a 'principals' list)");
    }

    @Test
    void malformedHashIsRejectedNamingEntryAndFieldWithoutRepeatingTheValue() {
        String almostAHash = ACME_HASH.substring(0, ACME_HASH.length() - 1);
        assertThatThrownBy(() -> parse("""
                principals:
                  - name: acme-app
                    tenant: acme
                    api-key-sha256: "%s"
                """.formatted(almostAHash)))
                .hasMessage("principals.yaml: principals[0] 'acme-app': field 'api-key-sha256' must be 'sha256:' "
                        + "followed by 64 hex digits (hash a key with io.elasticmesh.identity.HashKey)")
                .message()
                .doesNotContain(almostAHash.substring(HashKey.PREFIX.length()));
    }

    @Test
    void clearKeyPastedAsHashIsNotEchoed() {
        assertThatThrownBy(() -> parse("""
                principals:
                  - name: acme-app
                    tenant: acme
                    api-key-sha256: 12345
                """))
                .hasMessage("principals.yaml: principals[0] 'acme-app': field 'api-key-sha256' must be "
                        + "non-blank text");
    }

    @Test
    void misspelledFieldIsRejectedRatherThanIgnored() {
        assertThatThrownBy(() -> parse("""
                principals:
                  - name: acme-app
                    tenant: acme
                    api-key-sha265: "%s"
                """.formatted(ACME_HASH)))
                .hasMessage("principals.yaml: principals[0] 'acme-app': unknown field(s) "
                        + "[api-key-sha265]; known: [name, tenant, roles, api-key-sha256, certificate-subject]");
    }

    @Test
    void missingFieldsAreNamedByIndexWhenTheNameItselfIsMissing() {
        assertThatThrownBy(() -> parse("""
                principals:
                  - name: acme-app
                    tenant: acme
                    api-key-sha256: "%s"
                  - tenant: globex
                """.formatted(ACME_HASH)))
                .hasMessage("principals.yaml: principals[1]: missing field 'name'");
        assertThatThrownBy(() -> parse("""
                principals:
                  - name: acme-app
                    api-key-sha256: "%s"
                """.formatted(ACME_HASH)))
                .hasMessage("principals.yaml: principals[0] 'acme-app': missing field " + "'tenant'");
    }

    @Test
    void principalWithoutAnyCredentialIsRejected() {
        assertThatThrownBy(() -> parse("""
                principals:
                  - name: acme-app
                    tenant: acme
                """))
                .hasMessage("principals.yaml: principals[0] 'acme-app': needs 'api-key-sha256' or "
                        + "'certificate-subject' (or both)");
    }

    @Test
    void rolesMustBeAListOfNames() {
        assertThatThrownBy(() -> parse("""
                principals:
                  - name: acme-app
                    tenant: acme
                    roles: client
                    api-key-sha256: "%s"
                """.formatted(ACME_HASH)))
                .hasMessage("principals.yaml: principals[0] 'acme-app': field 'roles' "
                        + "must be a list of non-blank names, was \"client\"");
    }

    @Test
    void malformedSubjectIsRejected() {
        assertThatThrownBy(() -> parse("""
                principals:
                  - name: acme-app
                    tenant: acme
                    certificate-subject: "acme-app"
                """))
                .hasMessage("principals.yaml: principals[0] 'acme-app': field 'certificate-subject' is not a "
                        + "distinguished name like 'CN=app,O=Org': acme-app");
    }

    @Test
    void nameKeyAndSubjectMustEachIdentifyOnePrincipal() {
        assertThatThrownBy(() -> parse("""
                principals:
                  - name: acme-app
                    tenant: acme
                    api-key-sha256: "%s"
                  - name: acme-app
                    tenant: acme
                    api-key-sha256: "%s"
                """.formatted(ACME_HASH, HashKey.of("other"))))
                .hasMessage("principals.yaml: principals[1] 'acme-app': name is already used by principals.yaml: "
                        + "principals[0] 'acme-app'");
        assertThatThrownBy(() ->
                        parse("""
                principals:
                  - name: acme-app
                    tenant: acme
                    api-key-sha256: "%s"
                  - name: acme-batch
                    tenant: acme
                    api-key-sha256: "%s"
                """.formatted(ACME_HASH, ACME_HASH.toUpperCase().replace("SHA256:", "sha256:"))))
                .hasMessage("principals.yaml: principals[1] 'acme-batch': field 'api-key-sha256' is the same as in "
                        + "principals.yaml: principals[0] 'acme-app'; each key must identify one principal");
        assertThatThrownBy(() -> parse("""
                principals:
                  - name: a
                    tenant: acme
                    certificate-subject: "CN=a,O=Acme"
                  - name: b
                    tenant: acme
                    certificate-subject: "cn=a, o=acme"
                """))
                .hasMessage("principals.yaml: principals[1] 'b': field 'certificate-subject' is the same as in "
                        + "principals.yaml: principals[0] 'a'; each subject must identify one principal");
    }

    @Test
    void invalidYamlIsReportedWithTheFile() {
        assertThatThrownBy(() -> parse("principals: [\n")).hasMessageStartingWith("principals.yaml: not valid YAML: ");
    }
}
