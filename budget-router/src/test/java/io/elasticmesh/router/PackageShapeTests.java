package io.elasticmesh.router;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.elasticmesh.local.PackageShape;
import org.junit.jupiter.api.Test;

/** budget-router keeps its shape (see {@link PackageShape}); and the rules do catch a service that breaks it. */
class PackageShapeTests {

    private static final String ROUTER = "io.elasticmesh.router";
    private static final String BROKEN = "io.elasticmesh.router.fixture.layered";

    @Test
    void routerKeepsItsShape() {
        PackageShape.check(ROUTER);
    }

    @Test
    void theRulesCatchABrokenShape() {
        JavaClasses broken = new ClassFileImporter().importPackages(BROKEN);
        assertThatThrownBy(() -> PackageShape.layersFreeOfCycles(BROKEN).check(broken))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected");
        assertThatThrownBy(() -> PackageShape.domainDependsOnNoLayer(BROKEN).check(broken))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("BrokenDomain");
        assertThatThrownBy(
                        () -> PackageShape.grpcAdaptersUsedByNothingElse(BROKEN).check(broken))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("BrokenClient");
    }
}
