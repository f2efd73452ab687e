package io.elasticmesh.audit.service;

import io.elasticmesh.audit.config.AuditConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The chain key ({@code audit.chain-key-file}), read once at start-up. */
@ApplicationScoped
public class ChainKey {

    static final int MIN_LENGTH = 32;

    private final String key;

    public ChainKey(AuditConfig config) {
        Path file = config.chainKeyFile();
        try {
            key = Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the chain key file " + file + " (audit.chain-key-file)", e);
        }
        if (key.length() < MIN_LENGTH) {
            throw new IllegalArgumentException("the chain key in " + file + " has " + key.length()
                    + " characters; it needs at least " + MIN_LENGTH + " (e.g. openssl rand -base64 32)");
        }
    }

    public String value() {
        return key;
    }
}
