"""Small helpers around tritonclient.grpc's bidirectional ModelStreamInfer API."""

import json
import queue
import time
import uuid

import numpy as np
import tritonclient.grpc as grpcclient


def build_inputs(prompt=None, stream=None, sampling=None, exclude=None, returns=True):
    inputs = []

    def add(name, dtype, value):
        t = grpcclient.InferInput(name, [1], dtype)
        t.set_data_from_numpy(np.array([value], dtype=np.object_ if dtype == "BYTES" else np.bool_))
        inputs.append(t)

    if prompt is not None:
        add("text_input", "BYTES", prompt.encode("utf-8"))
    if stream is not None:
        add("stream", "BOOL", bool(stream))
    if sampling is not None:
        add("sampling_parameters", "BYTES", (sampling if isinstance(sampling, str) else json.dumps(sampling)).encode())
    if exclude is not None:
        add("exclude_input_in_output", "BOOL", bool(exclude))
    if returns:
        for name in ("return_finish_reason", "return_num_input_tokens", "return_num_output_tokens"):
            add(name, "BOOL", True)
    return inputs


class Response:
    def __init__(self, result=None, error=None, t=None):
        self.error = error
        self.t = t
        self.final = False
        self.text = self.finish_reason = self.num_input_tokens = self.num_output_tokens = None
        if result is not None:
            resp = result.get_response()
            p = resp.parameters.get("triton_final_response")
            self.final = bool(p is not None and p.bool_param)
            self.id = resp.id
            names = {o.name for o in resp.outputs}
            if "text_output" in names:
                self.text = result.as_numpy("text_output").reshape(-1)[0].decode("utf-8")
            if "finish_reason" in names:
                self.finish_reason = result.as_numpy("finish_reason").reshape(-1)[0].decode("utf-8")
            if "num_input_tokens" in names:
                self.num_input_tokens = int(result.as_numpy("num_input_tokens").reshape(-1)[0])
            if "num_output_tokens" in names:
                self.num_output_tokens = int(result.as_numpy("num_output_tokens").reshape(-1)[0])

    @property
    def has_data(self):
        return self.text is not None

    def __repr__(self):
        if self.error is not None:
            return f"Response(error={self.error})"
        return (f"Response(text={self.text!r}, finish={self.finish_reason}, in={self.num_input_tokens}, "
                f"out={self.num_output_tokens}, final={self.final})")


class StreamSession:
    """One gRPC ModelStreamInfer stream; collects responses per request id."""

    def __init__(self, url):
        self.client = grpcclient.InferenceServerClient(url=url)
        self.q = queue.Queue()
        self.client.start_stream(callback=self._cb)

    def _cb(self, result, error):
        self.q.put((result, error, time.monotonic()))

    def send(self, model, request_id=None, parameters=None, inputs=None, **kw):
        """Sends one request: `inputs` as given, or the vLLM-contract inputs build_inputs(**kw) makes."""
        rid = request_id or uuid.uuid4().hex
        self.client.async_stream_infer(model, inputs if inputs is not None else build_inputs(**kw), request_id=rid,
                                       parameters=parameters, enable_empty_final_response=True)
        return rid

    def collect(self, n_requests=1, timeout=60.0):
        """Responses until n_requests requests ended (FINAL or error). Returns {id: [Response]} and
        a list of error Responses (errors carry no id in tritonclient's callback)."""
        by_id, errors, done = {}, [], 0
        deadline = time.monotonic() + timeout
        while done < n_requests:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"only {done}/{n_requests} requests finished; got {by_id} {errors}")
            try:
                result, error, t = self.q.get(timeout=left)
            except queue.Empty:
                continue
            if error is not None:
                errors.append(Response(error=error, t=t))
                done += 1
                continue
            r = Response(result, t=t)
            by_id.setdefault(r.id, []).append(r)
            if r.final:
                done += 1
        return by_id, errors

    def close(self, cancel_requests=False):
        try:
            self.client.stop_stream(cancel_requests=cancel_requests)
        finally:
            self.client.close()


def infer(url, model, timeout=120.0, **kw):
    """One request on its own stream: returns (responses, errors)."""
    s = StreamSession(url)
    try:
        rid = s.send(model, **kw)
        by_id, errors = s.collect(1, timeout)
        return by_id.get(rid, []), errors
    finally:
        s.close()
