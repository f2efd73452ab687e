package io.elasticmesh.audit;

import java.util.List;
import java.util.OptionalLong;

/** A page of a listing, newest stored first; {@code nextBeforeSeq} is set when more events match. */
public record EventPage(List<StoredEvent> events, OptionalLong nextBeforeSeq) {}
