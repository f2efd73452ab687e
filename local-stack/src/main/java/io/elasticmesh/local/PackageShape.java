package io.elasticmesh.local;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

/**
 * A service's shape as rules over its root package: the domain at the root, one package per layer below it
 * ({@code grpc}, {@code client}, {@code service}, {@code mapping}, {@code config}, …). Layers point down to the
 * domain and never back up, no two packages depend on each other, and the gRPC adapters are the outermost layer.
 * Every service's tests check its own root with {@link #check}.
 */
public final class PackageShape {

    private PackageShape() {}

    /** Checks every rule over the service's own production classes (its build output, not tests or jars). */
    public static void check(String root) {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(root);
        layersFreeOfCycles(root).check(classes);
        domainDependsOnNoLayer(root).check(classes);
        grpcAdaptersUsedByNothingElse(root).check(classes);
    }

    /** No cycle between the layer packages (each with its sub-packages). */
    public static ArchRule layersFreeOfCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    /** The root package holds the domain, which needs no layer to be understood. */
    public static ArchRule domainDependsOnNoLayer(String root) {
        return noClasses()
                .that()
                .resideInAPackage(root)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(root + ".*..")
                .as("the domain (" + root + ") depends on no layer package");
    }

    /** The gRPC adapters are entry points: nothing else calls them. */
    public static ArchRule grpcAdaptersUsedByNothingElse(String root) {
        return noClasses()
                .that()
                .resideOutsideOfPackage(root + ".grpc..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(root + ".grpc..")
                .as("only the gRPC adapters use " + root + ".grpc");
    }
}
