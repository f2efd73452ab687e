package io.elasticmesh.pilot;

import java.util.List;

/**
 * One question of a dataset.
 *
 * @param id unique within its dataset
 * @param messages the conversation sent, oldest first
 * @param answers reference answers, any of which counts as right; empty when the dataset has none
 */
public record Item(String dataset, String id, List<Message> messages, List<String> answers) {

    /** A chat message: role {@code system}, {@code user} or {@code assistant}. */
    public record Message(String role, String content) {}

    /** Where the item is, in results and errors. */
    public String key() {
        return dataset + "/" + id;
    }
}
