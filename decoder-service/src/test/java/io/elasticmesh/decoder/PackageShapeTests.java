package io.elasticmesh.decoder;

import io.elasticmesh.local.PackageShape;
import org.junit.jupiter.api.Test;

/** The decoder's packages: domain types at the root, layers below it pointing down to them, no cycles. */
class PackageShapeTests {

    @Test
    void keepsItsShape() {
        PackageShape.check("io.elasticmesh.decoder");
    }
}
