package io.elasticmesh.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The four services take their JVM sizes from one ConfigMap (mesh-jvm, from k8s/base/jvm.env, which the local stack
 * reads too), every JVM area that can grow has a cap there, and the caps fit in each container's memory limit, so a
 * service hits a Java-level limit (and exits on OutOfMemoryError) before the kernel kills it.
 */
class JvmSizesTests {

    private static final List<String> SERVICES =
            List.of("budget-router", "decoder-service", "solution-service", "audit-service");
    private static final List<String> CAPS =
            List.of("-Xmx", "-XX:MaxMetaspaceSize=", "-XX:ReservedCodeCacheSize=", "-XX:MaxDirectMemorySize=");
    /**
     * What the JVM uses beyond those caps, measured with Native Memory Tracking under the benchmark's load: symbols
     * (10–13 MB), the CDS archive (12 MB), thread stacks (2–3 MB), GC structures (1 MB), malloc'd rest and libjvm's
     * text (about 25 MB); 80 MiB leaves a margin.
     */
    private static final long UNCAPPED_MIB = 80;
    /** Issue 14's footprint target, which the requests must cover: the scheduler should place what runs. */
    private static final long RESIDENT_TARGET_MB = 200;

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void everyServiceTakesItsJvmSizesFromMeshJvm(String overlay) {
        List<HasMetadata> objects = Overlays.objects(overlay);
        String meshJvm = Overlays.generated(objects, "mesh-jvm").getMetadata().getName();
        for (String name : SERVICES) {
            assertThat(Overlays.server(objects, name).getEnvFrom())
                    .as(name)
                    .extracting(EnvFromSource::getConfigMapRef)
                    .anySatisfy(ref -> assertThat(ref.getName()).isEqualTo(meshJvm));
        }
    }

    /**
     * A service's own options (jvm.env's {@code <SERVICE>_JAVA_OPTS}) follow the common ones in its JAVA_OPTS, joined
     * by the kubelet's {@code $(VAR)} expansion over what envFrom set; a name it does not know would stay in the
     * command line as text and stop the JVM, so the variable must be in mesh-jvm.
     */
    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void aServicesOwnJvmOptionsAreAddedToTheCommonOnesAndOnlyToItsOwn(String overlay) {
        List<HasMetadata> objects = Overlays.objects(overlay);
        var meshJvm = Overlays.generated(objects, "mesh-jvm").getData();
        for (String name : SERVICES) {
            String own = name.toUpperCase(Locale.ROOT).replace('-', '_') + "_JAVA_OPTS";
            List<String> javaOpts = Overlays.server(objects, name).getEnv().stream()
                    .filter(e -> e.getName().equals("JAVA_OPTS"))
                    .map(EnvVar::getValue)
                    .toList();
            if (meshJvm.containsKey(own)) {
                assertThat(javaOpts).as(name).containsExactly("$(JAVA_OPTS) $(" + own + ")");
            } else {
                assertThat(javaOpts).as(name).isEmpty();
            }
        }
        assertThat(meshJvm).as("the router's own options").containsKey("BUDGET_ROUTER_JAVA_OPTS");
    }

    @ParameterizedTest
    @MethodSource(Overlays.ALL)
    void theJvmCapsFitInEveryServicesMemoryLimit(String overlay) {
        List<HasMetadata> objects = Overlays.objects(overlay);
        ConfigMap meshJvm = Overlays.generated(objects, "mesh-jvm");
        String javaOpts = meshJvm.getData().get("JAVA_OPTS");
        long capsMib = CAPS.stream().mapToLong(flag -> mib(javaOpts, flag)).sum();
        assertThat(mib(javaOpts, "-Xms")).isLessThanOrEqualTo(mib(javaOpts, "-Xmx"));
        assertThat(javaOpts).contains("-XX:+ExitOnOutOfMemoryError");
        for (String name : SERVICES) {
            var resources = Overlays.server(objects, name).getResources();
            long limitMib = mib(resources.getLimits().get("memory"));
            long requestMib = mib(resources.getRequests().get("memory"));
            assertThat(capsMib + UNCAPPED_MIB)
                    .as(name + ": JVM caps " + capsMib + " MiB + " + UNCAPPED_MIB + " MiB uncapped vs limit " + limitMib
                            + " MiB")
                    .isLessThanOrEqualTo(limitMib);
            assertThat(requestMib * 1024 * 1024)
                    .as(name + " memory request")
                    .isGreaterThanOrEqualTo(RESIDENT_TARGET_MB * 1_000_000);
        }
    }

    /** The size after {@code flag} in the options (e.g. {@code -Xmx192m}), in MiB. */
    private static long mib(String javaOpts, String flag) {
        Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(flag) + "(\\d+)([kKmMgG]?)(?:\\s|$)")
                .matcher(javaOpts);
        assertThat(m.find()).as("JAVA_OPTS sets " + flag + ": " + javaOpts).isTrue();
        long value = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> value / 1024;
            case "m" -> value;
            case "g" -> value * 1024;
            default -> value / (1024 * 1024);
        };
    }

    private static long mib(Quantity quantity) {
        return Quantity.getAmountInBytes(quantity)
                .divide(BigDecimal.valueOf(1024 * 1024))
                .longValue();
    }
}
