package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** budget-router keeps its shape (see {@link Layering}); and the rules do catch a service that breaks it. */
class LayeringTests {

    private static final String ROUTER = "io.elasticmesh.router";
    private static final String BROKEN = "io.elasticmesh.router.fixture.layered";

    private static final JavaClasses ROUTER_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS).importPackages(ROUTER);

    @Test
    void routerLayersAreFreeOfCycles() {
        Layering.layersFreeOfCycles(ROUTER).check(ROUTER_CLASSES);
    }

    @Test
    void routerDomainDependsOnNoLayer() {
        Layering.domainDependsOnNoLayer(ROUTER).check(ROUTER_CLASSES);
    }

    @Test
    void routerGrpcAdaptersAreUsedByNothingElse() {
        Layering.grpcAdaptersUsedByNothingElse(ROUTER).check(ROUTER_CLASSES);
    }

    @Test
    void theRulesCatchABrokenShape() {
        JavaClasses broken = new ClassFileImporter().importPackages(BROKEN);
        assertThatThrownBy(() -> Layering.layersFreeOfCycles(BROKEN).check(broken))
                .isInstanceOf(AssertionError.class).hasMessageContaining("Cycle detected");
        assertThatThrownBy(() -> Layering.domainDependsOnNoLayer(BROKEN).check(broken))
                .isInstanceOf(AssertionError.class).hasMessageContaining("BrokenDomain");
        assertThatThrownBy(() -> Layering.grpcAdaptersUsedByNothingElse(BROKEN).check(broken))
                .isInstanceOf(AssertionError.class).hasMessageContaining("BrokenClient");
    }
}
