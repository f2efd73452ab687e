package io.elasticmesh.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RetryInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A failed call for people: {@code CODE: description}, then what its google.rpc details say to do. */
final class ErrorReport {

    private ErrorReport() {}

    static List<String> lines(StatusRuntimeException failure) {
        List<String> lines = new ArrayList<>();
        String description = failure.getStatus().getDescription();
        lines.add(failure.getStatus().getCode() + (description == null ? "" : ": " + description));
        com.google.rpc.Status status = StatusProto.fromThrowable(failure);
        if (status != null) {
            for (Any detail : status.getDetailsList()) {
                lines.addAll(detail(detail));
            }
        }
        return lines;
    }

    private static List<String> detail(Any detail) {
        try {
            if (detail.is(RetryInfo.class)) {
                var delay = detail.unpack(RetryInfo.class).getRetryDelay();
                return List.of(
                        "retry after " + Durations.show(Duration.ofSeconds(delay.getSeconds(), delay.getNanos())));
            }
            if (detail.is(BadRequest.class)) {
                return detail.unpack(BadRequest.class).getFieldViolationsList().stream()
                        .map(v -> "field " + v.getField() + ": " + v.getDescription())
                        .toList();
            }
            if (detail.is(ErrorInfo.class)) {
                ErrorInfo info = detail.unpack(ErrorInfo.class);
                return List.of("reason " + info.getReason() + " (" + info.getDomain() + ")"
                        + (info.getMetadataMap().isEmpty() ? "" : " " + info.getMetadataMap()));
            }
        } catch (InvalidProtocolBufferException e) {
            return List.of("unreadable detail " + detail.getTypeUrl());
        }
        return List.of("detail " + detail.getTypeUrl());
    }
}
