package io.elasticmesh.inference.quarkus;

import io.elasticmesh.inference.profile.ModelProfiles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Loads the model profiles once; a broken profiles file fails start-up rather than the first request. */
public class ModelProfilesProducer {

    @Produces
    @ApplicationScoped
    ModelProfiles modelProfiles(InferenceConfig config) {
        return ModelProfiles.load(config.profilesFile());
    }
}
