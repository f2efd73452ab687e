-- The tier's review rule sends some requests to a person (AuditEvent.review.required, see README, Review workflow):
-- a column derived from the payload like the others, so the queue can list them alone. Events stored before it have
-- no review decision in their payload, which reads as not required, as the default says.
ALTER TABLE audit_event ADD COLUMN review_required boolean NOT NULL DEFAULT false;

-- The required backlog is a small share of the queue: a partial index in store order serves it without the rest.
CREATE INDEX audit_event_review_required ON audit_event (seq) WHERE review_required;
