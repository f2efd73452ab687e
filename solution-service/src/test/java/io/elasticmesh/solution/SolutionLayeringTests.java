package io.elasticmesh.solution;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The solution service's packages: domain types at the root, layers below it pointing down to them, no cycles. */
class SolutionLayeringTests {

    private static final JavaClasses SOLUTION = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.elasticmesh.solution");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.elasticmesh.solution.(**)").should().beFreeOfCycles().check(SOLUTION);
    }

    @Test
    void theDomainDependsOnNoLayer() {
        noClasses().that().resideInAPackage("io.elasticmesh.solution")
                .should().dependOnClassesThat().resideInAPackage("io.elasticmesh.solution.*..")
                .check(SOLUTION);
    }
}
