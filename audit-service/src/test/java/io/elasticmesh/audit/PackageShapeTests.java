package io.elasticmesh.audit;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The domain types sit at the package root; the layers (grpc, mapping, config, kafka, service) point down to them. */
class PackageShapeTests {

    private static final JavaClasses AUDIT = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.elasticmesh.audit");

    @Test
    void layersHaveNoDependencyCycles() {
        slices().matching("io.elasticmesh.audit.(*)..").should().beFreeOfCycles().check(AUDIT);
    }

    @Test
    void theDomainDependsOnNoLayer() {
        noClasses().that().resideInAPackage("io.elasticmesh.audit").should().dependOnClassesThat()
                .resideInAnyPackage("io.elasticmesh.audit.grpc..", "io.elasticmesh.audit.mapping..",
                        "io.elasticmesh.audit.config..", "io.elasticmesh.audit.kafka..",
                        "io.elasticmesh.audit.service..")
                .check(AUDIT);
    }
}
