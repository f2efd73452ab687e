package io.elasticmesh.decoder;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The decoder's packages: domain types at the root, layers below it pointing down to them, no cycles. */
class DecoderLayeringTests {

    private static final JavaClasses DECODER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.elasticmesh.decoder");

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.elasticmesh.decoder.(**)").should().beFreeOfCycles().check(DECODER);
    }

    @Test
    void theDomainDependsOnNoLayer() {
        noClasses().that().resideInAPackage("io.elasticmesh.decoder")
                .should().dependOnClassesThat().resideInAPackage("io.elasticmesh.decoder.*..")
                .check(DECODER);
    }
}
