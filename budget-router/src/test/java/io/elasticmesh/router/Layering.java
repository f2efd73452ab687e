package io.elasticmesh.router;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/**
 * A service's shape as rules over its root package: the domain at the root, one package per layer below it
 * ({@code grpc}, {@code client}, {@code service}, {@code mapping}, {@code config}, …). Layers point down to the
 * domain and never back up, no two packages depend on each other, and the gRPC adapters are the outermost layer.
 */
final class Layering {

    private Layering() {
    }

    /** No cycle between the layer packages (each with its sub-packages). */
    static ArchRule layersFreeOfCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles();
    }

    /** The root package holds the domain, which needs no layer to be understood. */
    static ArchRule domainDependsOnNoLayer(String root) {
        return noClasses().that().resideInAPackage(root)
                .should().dependOnClassesThat().resideInAPackage(root + ".*..")
                .as("the domain (" + root + ") depends on no layer package");
    }

    /** The gRPC adapters are entry points: nothing else calls them. */
    static ArchRule grpcAdaptersUsedByNothingElse(String root) {
        return noClasses().that().resideOutsideOfPackage(root + ".grpc..")
                .should().dependOnClassesThat().resideInAPackage(root + ".grpc..")
                .as("only the gRPC adapters use " + root + ".grpc");
    }
}
