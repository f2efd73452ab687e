package io.elasticmesh.router.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The SLA tiers in force, read from a YAML file whose keys are kebab-case. */
public final class TierTable {

    private final Map<String, Tier> tiers;

    private TierTable(Map<String, Tier> tiers) {
        this.tiers = Map.copyOf(tiers);
    }

    public Optional<Tier> find(String name) {
        return Optional.ofNullable(tiers.get(name));
    }

    public java.util.Set<String> names() {
        return new java.util.TreeSet<>(tiers.keySet());
    }

    /** @throws IllegalArgumentException naming the source, tier and field of an invalid entry */
    public static TierTable parse(InputStream yaml, String source) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true)
                .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);
        TierFile file;
        try {
            file = mapper.readValue(yaml, TierFile.class);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
        if (file == null || file.tiers() == null || file.tiers().isEmpty()) {
            throw new IllegalArgumentException(source + ": no tiers defined");
        }
        Map<String, Tier> tiers = new TreeMap<>();
        file.tiers().forEach((name, entry) -> {
            try {
                tiers.put(name, new Tier(name, entry.model(), entry.thinkingBudgetTokens(),
                        entry.solutionBudgetTokens(), entry.deadlineMs()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
            }
        });
        return new TierTable(tiers);
    }

    record TierFile(Map<String, TierEntry> tiers) {
    }

    record TierEntry(String model, int thinkingBudgetTokens, int solutionBudgetTokens, long deadlineMs) {
    }
}
