package io.elasticmesh.audit;

import io.elasticmesh.local.PackageShape;
import org.junit.jupiter.api.Test;

/** The domain types sit at the package root; the layers (grpc, mapping, config, kafka, service) point down to them. */
class PackageShapeTests {

    @Test
    void keepsItsShape() {
        PackageShape.check("io.elasticmesh.audit");
    }
}
