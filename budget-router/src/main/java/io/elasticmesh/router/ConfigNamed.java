package io.elasticmesh.router;

import java.util.Arrays;
import java.util.List;

/** An enum whose constants the tier file spells by a name of their own ({@code cut-only}, {@code fail-open}). */
public interface ConfigNamed {

    /** The name used in the tier file. */
    String configName();

    /** @throws IllegalArgumentException naming every accepted name when {@code name} is none of them */
    static <E extends Enum<E> & ConfigNamed> E fromConfigName(Class<E> type, String name) {
        E[] constants = type.getEnumConstants();
        return Arrays.stream(constants)
                .filter(c -> c.configName().equals(name))
                .findFirst()
                .orElseThrow(() -> {
                    List<String> names = Arrays.stream(constants)
                            .map(ConfigNamed::configName)
                            .toList();
                    return new IllegalArgumentException("must be one of " + names + ", was '" + name + "'");
                });
    }
}
