package io.elasticmesh.conversation;

/** One message of a conversation, in the role names chat templates use. */
public record Turn(Role role, String content) {

    public enum Role {
        SYSTEM("system"),
        USER("user"),
        ASSISTANT("assistant");

        private final String templateName;

        Role(String templateName) {
            this.templateName = templateName;
        }

        public String templateName() {
            return templateName;
        }
    }
}
