package io.elasticmesh.solution;

import io.elasticmesh.local.PackageShape;
import org.junit.jupiter.api.Test;

/** The solution service's packages: domain types at the root, layers below it pointing down to them, no cycles. */
class PackageShapeTests {

    @Test
    void keepsItsShape() {
        PackageShape.check("io.elasticmesh.solution");
    }
}
