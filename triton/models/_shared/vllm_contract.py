"""The Triton vLLM-backend request/response contract (r24.12+), implemented once for CPU test models.

Both `scripted` and `smollm2` are decoupled Python-backend models. They only provide an *engine*
(tokens in order, one at a time); this module does everything the vLLM backend does around the
engine, so that the mesh sees the same wire behaviour as with `backend: "vllm"`:

* inputs  : text_input (BYTES[1], required), stream, exclude_input_in_output,
            sampling_parameters (JSON object in BYTES[1]; falls back to the request parameters),
            return_finish_reason / return_num_input_tokens / return_num_output_tokens /
            return_cumulative_logprob / return_logprobs (all BOOL[1], optional)
* outputs : text_output (BYTES[-1]), finish_reason (BYTES[-1]), num_input_tokens (UINT32[1]),
            num_output_tokens (UINT32[-1]; the delta since the previous response),
            cumulative_logprob (FP32, always 0.0 here), logprobs (BYTES, always "null" here)
* stream=true : one response per generated token carrying the DELTA text, finish_reason "None"
            until the last one; the last data-bearing response is flagged
            TRITONSERVER_RESPONSE_COMPLETE_FINAL (so FINAL arrives with data).
            exclude_input_in_output=false together with stream=true is an error (like vLLM).
* stream=false: one FINAL response with the full text (prompt prepended unless excluded).
* stop strings: checked on the detokenized output after every token; the text is cut before the
            stop string (or just after it with include_stop_str_in_output); while streaming,
            the last len(longest stop)-1 characters are held back so that a partial stop string is
            never streamed (vLLM's output_text_buffer_length).  EOS -> "stop"; max_tokens -> "length".
            Token counts include the token that completed a stop string and the EOS token
            (vLLM counts every sampled token id).
* errors  : a response with a TritonError and text_output ["N/A"], flagged FINAL.
* cancel  : response_sender.is_cancelled() is checked before every token; generation stops and a
            CANCELLED error response is sent, flagged FINAL (a wire whose cancel_reaches_engine is False
            generates on, as TensorRT-LLM's ensemble does).
"""

import json
import math
import threading
import time
import traceback

import numpy as np
import triton_python_backend_utils as pb_utils

class Special:
    """A non-text item an engine yields. kind "eos": an end-of-generation token (counted as one
    output token, like vLLM counts the EOS id); kind "length": the context window is full (not a
    token). `text` flushes bytes the engine still held (e.g. an incomplete UTF-8 sequence)."""

    def __init__(self, kind, text=""):
        self.kind = kind
        self.text = text


EOS = Special("eos")


def eos(text=""):
    return Special("eos", text)


def context_full(text=""):
    return Special("length", text)

DEFAULT_MAX_TOKENS = 16  # vLLM SamplingParams default


class ContractError(ValueError):
    """A request the vLLM backend would reject."""


# ----------------------------------------------------------------------------- parsing helpers
def _as_int(name, value, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool):
        raise ContractError(f"sampling parameter '{name}' must be an integer, got a boolean")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            try:
                f = float(value.strip())
            except ValueError:
                f = math.nan
            if math.isfinite(f) and f.is_integer():
                return int(f)
    raise ContractError(f"sampling parameter '{name}' must be an integer, got {value!r}")


def _as_float(name, value):
    if isinstance(value, bool):
        raise ContractError(f"sampling parameter '{name}' must be a number, got a boolean")
    if isinstance(value, (int, float)):
        f = float(value)
    elif isinstance(value, str):
        try:
            f = float(value.strip())
        except ValueError:
            raise ContractError(f"sampling parameter '{name}' must be a number, got {value!r}")
    else:
        raise ContractError(f"sampling parameter '{name}' must be a number, got {value!r}")
    if not math.isfinite(f):
        raise ContractError(f"sampling parameter '{name}' must be finite, got {value!r}")
    return f


def _as_bool(name, value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    raise ContractError(f"sampling parameter '{name}' must be a boolean, got {value!r}")


class SamplingParams:
    """The subset of vllm.SamplingParams the CPU models honour; unknown keys are ignored."""

    def __init__(self, d):
        if not isinstance(d, dict):
            raise ContractError("sampling_parameters must be a JSON object")
        self.max_tokens = DEFAULT_MAX_TOKENS
        if d.get("max_tokens") is not None:
            self.max_tokens = _as_int("max_tokens", d["max_tokens"])
        if self.max_tokens < 1:
            raise ContractError(f"max_tokens must be at least 1, got {self.max_tokens}.")
        stop = d.get("stop")
        if stop is None:
            self.stop = []
        elif isinstance(stop, str):
            self.stop = [stop]
        elif isinstance(stop, list) and all(isinstance(s, str) for s in stop):
            self.stop = list(stop)
        else:
            raise ContractError(f"sampling parameter 'stop' must be a string or a list of strings, got {stop!r}")
        self.stop = [s for s in self.stop if s]  # empty stop strings never match
        self.include_stop_str_in_output = False
        if d.get("include_stop_str_in_output") is not None:
            self.include_stop_str_in_output = _as_bool("include_stop_str_in_output", d["include_stop_str_in_output"])
        self.temperature = 1.0
        if d.get("temperature") is not None:
            self.temperature = _as_float("temperature", d["temperature"])
        if self.temperature < 0:
            raise ContractError(f"temperature must be non-negative, got {self.temperature}.")
        self.top_p = 1.0
        if d.get("top_p") is not None:
            self.top_p = _as_float("top_p", d["top_p"])
        if not 0.0 < self.top_p <= 1.0:
            raise ContractError(f"top_p must be in (0, 1], got {self.top_p}.")
        self.top_k = -1
        if d.get("top_k") is not None:
            self.top_k = _as_int("top_k", d["top_k"])
        if self.top_k < -1:
            raise ContractError(f"top_k must be -1 (disable), or at least 1, got {self.top_k}.")
        self.seed = _as_int("seed", d.get("seed"), allow_none=True)
        self.ignore_eos = False
        if d.get("ignore_eos") is not None:
            self.ignore_eos = _as_bool("ignore_eos", d["ignore_eos"])

    def __repr__(self):
        return f"SamplingParams({self.__dict__})"


def _optional_bool(request, name, default):
    t = pb_utils.get_input_tensor_by_name(request, name)
    if t is None:
        return default
    arr = t.as_numpy()
    if arr.size == 0:
        return default
    return bool(arr.reshape(-1)[0])


def text_input(request):
    t = pb_utils.get_input_tensor_by_name(request, "text_input")
    if t is None or t.as_numpy().size == 0:
        raise ContractError("input 'text_input' is required")
    prompt = t.as_numpy().reshape(-1)[0]
    if isinstance(prompt, bytes):
        try:
            prompt = prompt.decode("utf-8")
        except UnicodeDecodeError:
            raise ContractError("text_input is not valid UTF-8")
    return str(prompt)


def prefix_reuse(request):
    """The request parameter `prefix_reuse` (bool): None when absent (the engine's default applies). It is a
    Triton request parameter, not a sampling parameter, so the real vLLM backend never sees it."""
    try:
        value = json.loads(request.parameters() or "{}").get("prefix_reuse")
    except (json.JSONDecodeError, AttributeError):
        return None
    return None if value is None else _as_bool("prefix_reuse", value)


class ParsedRequest:
    def __init__(self, request):
        self.prompt = text_input(request)

        self.stream = _optional_bool(request, "stream", False)
        exclude = pb_utils.get_input_tensor_by_name(request, "exclude_input_in_output")
        if exclude is not None and exclude.as_numpy().size > 0:
            self.prepend_input = not bool(exclude.as_numpy().reshape(-1)[0])
        else:
            self.prepend_input = not self.stream
        if self.prepend_input and self.stream:
            raise ContractError("When streaming, `exclude_input_in_output` = False is not allowed.")

        sp = pb_utils.get_input_tensor_by_name(request, "sampling_parameters")
        if sp is not None and sp.as_numpy().size > 0:
            raw = sp.as_numpy().reshape(-1)[0]
            raw = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else str(raw)
        else:
            raw = request.parameters() or "{}"
        try:
            d = json.loads(raw) if raw.strip() else {}
        except json.JSONDecodeError as e:
            raise ContractError(f"sampling_parameters is not valid JSON: {e}")
        self.params = SamplingParams(d)
        self.params.prefix_reuse = prefix_reuse(request)

        self.return_finish_reason = _optional_bool(request, "return_finish_reason", False)
        self.return_num_input_tokens = _optional_bool(request, "return_num_input_tokens", False)
        self.return_num_output_tokens = _optional_bool(request, "return_num_output_tokens", False)
        self.return_cumulative_logprob = _optional_bool(request, "return_cumulative_logprob", False)
        self.return_logprobs = _optional_bool(request, "return_logprobs", False)


# ----------------------------------------------------------------------------- responses
def _response(req, text, finish_reason, num_input_tokens, num_output_tokens):
    tensors = [pb_utils.Tensor("text_output", np.array([text.encode("utf-8")], dtype=np.object_))]
    if req.return_finish_reason:
        tensors.append(pb_utils.Tensor("finish_reason", np.array([str(finish_reason).encode()], dtype=np.object_)))
    if req.return_cumulative_logprob:
        tensors.append(pb_utils.Tensor("cumulative_logprob", np.array([0.0], dtype=np.float32)))
    if req.return_logprobs:
        tensors.append(pb_utils.Tensor("logprobs", np.array([b"null"], dtype=np.object_)))
    if req.return_num_input_tokens:
        tensors.append(pb_utils.Tensor("num_input_tokens", np.array([num_input_tokens], dtype=np.uint32)))
    if req.return_num_output_tokens:
        tensors.append(pb_utils.Tensor("num_output_tokens", np.array([num_output_tokens], dtype=np.uint32)))
    return pb_utils.InferenceResponse(output_tensors=tensors)


def _error_response(message, code=None):
    err = pb_utils.TritonError(message) if code is None else pb_utils.TritonError(message, code)
    text = pb_utils.Tensor("text_output", np.array([b"N/A"], dtype=np.object_))
    return pb_utils.InferenceResponse(output_tensors=[text], error=err)


class VllmWire:
    """The vLLM backend's request and response tensors. A wire turns a Triton request into a ParsedRequest and
    builds responses; ContractServer's generation loop is the same for every wire."""

    parse = ParsedRequest
    response = staticmethod(_response)
    error_response = staticmethod(_error_response)
    counts_eos = True  # num_output_tokens includes the end-of-sequence token
    cancel_reaches_engine = True  # the vLLM backend aborts the engine's request when Triton cancels it


def _cancelled_response():
    code = getattr(pb_utils.TritonError, "CANCELLED", None)
    if code is None:
        return pb_utils.InferenceResponse(error=pb_utils.TritonError("Request was cancelled"))
    return pb_utils.InferenceResponse(error=pb_utils.TritonError("Request was cancelled", code))


FINAL = pb_utils.TRITONSERVER_RESPONSE_COMPLETE_FINAL


def _find_stop(text, prev_len, stops):
    """Earliest stop string that ends in the newly added text; returns (index, stop) or None."""
    best = None
    for s in stops:
        i = text.find(s, max(0, prev_len - len(s) + 1))
        if i >= 0 and (best is None or i < best[0]):
            best = (i, s)
    return best


# ----------------------------------------------------------------------------- serving
class Engine:
    """What a model provides. generate() yields one item per sampled token: its text delta
    (possibly "" while a UTF-8 character is incomplete) or EOS / eos(tail); context_full(tail)
    ends the generation with "length"; returning without EOS counts as an EOS. It must be a generator so that
    closing it releases whatever it holds (e.g. a model lock).

    context_window: when set, ContractServer enforces it as vLLM enforces max_model_len: a prompt of that many
    tokens or more is refused, and generation ends with "length" when prompt + output fill it. (An engine with a
    window of its own, like smollm2's llama.cpp context, enforces it itself and leaves this None.)"""

    name = "engine"
    context_window = None

    def count_input_tokens(self, prompt):
        raise NotImplementedError

    def generate(self, prompt, params):
        raise NotImplementedError


class ContractServer:
    """Runs each request of a decoupled model in its own thread and speaks its wire's contract (vLLM by default)."""

    def __init__(self, engine, logger=None, wire=VllmWire):
        self.engine = engine
        self.logger = logger or pb_utils.Logger
        self.wire = wire
        self._threads = set()
        self._lock = threading.Lock()
        self._seq = 0
        self._cancelled = 0

    def stats(self):
        """Generations running now (request threads that have not finished, the caller's own included) and
        generations stopped by a cancellation since the model loaded."""
        with self._lock:
            return {"in_flight": len(self._threads), "cancelled": self._cancelled}

    def _log(self, msg):
        try:
            self.logger.log_info(f"[{self.engine.name}] {msg}")
        except Exception:
            pass

    def execute(self, requests):
        for request in requests:
            with self._lock:
                self._seq += 1
                seq = self._seq
            th = threading.Thread(target=self._run, args=(request, seq), name=f"{self.engine.name}-req-{seq}", daemon=True)
            with self._lock:
                self._threads.add(th)
            th.start()
        return None

    def finalize(self, timeout=5.0):
        deadline = time.monotonic() + timeout
        with self._lock:
            threads = list(self._threads)
        for th in threads:
            th.join(max(0.0, deadline - time.monotonic()))

    def _run(self, request, seq):
        sender = request.get_response_sender()
        try:
            self._serve(request, sender, seq)
        except ContractError as e:
            self._log(f"req={seq} rejected: {e}")
            sender.send(self.wire.error_response(f"Error generating stream: {e}"), flags=FINAL)
        except Exception as e:  # engine failure: report it to the client, keep serving
            self._log(f"req={seq} failed: {traceback.format_exc()}")
            try:
                sender.send(self.wire.error_response(f"Error generating stream: {e}"), flags=FINAL)
            except Exception:
                pass
        finally:
            with self._lock:
                self._threads.discard(threading.current_thread())

    def _serve(self, request, sender, seq):
        req = self.wire.parse(request)
        p = req.params
        n_in = self.engine.count_input_tokens(req.prompt)
        window = self.engine.context_window
        if window is not None and n_in >= window:
            raise ContractError(f"This model's maximum context length is {window} tokens; the prompt has {n_in}.")
        hold_back = 0
        if p.stop and not p.include_stop_str_in_output:
            hold_back = max(len(s) for s in p.stop) - 1

        text = ""           # detokenized output so far (already cut at a stop string)
        sent = 0            # characters of `text` already streamed
        n_out = 0           # output tokens so far (the stop-completing token; EOS when the wire counts it)
        n_reported = 0      # tokens already reported in num_output_tokens
        finish = None
        cancelled = False
        gen = self.engine.generate(req.prompt, p)
        t0 = time.monotonic()
        try:
            while finish is None:
                if self.wire.cancel_reaches_engine and sender.is_cancelled():
                    cancelled = True
                    break
                try:
                    piece = next(gen)
                except StopIteration:
                    piece = EOS
                saw_eos = ctx_full = False
                if isinstance(piece, Special):
                    added = piece.text
                    if piece.kind == "eos":
                        saw_eos = not p.ignore_eos
                        # vLLM counts the end-of-sequence token; TensorRT-LLM does not (the wire's rule).
                        n_out += 1 if self.wire.counts_eos or not saw_eos else 0
                    else:
                        ctx_full = True
                else:
                    n_out += 1
                    added = piece
                if added:
                    prev_len = len(text)
                    text += added
                    hit = _find_stop(text, prev_len, p.stop) if p.stop else None
                    if hit is not None:
                        i, s = hit
                        text = text[: i + len(s)] if p.include_stop_str_in_output else text[:i]
                        finish = "stop"
                if finish is None and saw_eos:
                    finish = "stop"
                if finish is None and ctx_full:
                    finish = "length"
                if finish is None and n_out >= p.max_tokens:
                    finish = "length"
                if finish is None and window is not None and n_in + n_out >= window:
                    finish = "length"
                if req.stream:
                    visible = len(text) if finish is not None else max(sent, len(text) - hold_back)
                    delta = text[sent:visible]
                    sent = max(sent, visible)
                    resp = self.wire.response(req, delta, finish if finish is not None else "None", n_in, n_out - n_reported)
                    n_reported = n_out
                    sender.send(resp, flags=FINAL if finish is not None else 0)
        finally:
            gen.close()
        dt = time.monotonic() - t0
        if cancelled:
            with self._lock:
                self._cancelled += 1
            self._log(f"req={seq} cancelled after {n_out} tokens ({dt:.3f}s)")
            sender.send(_cancelled_response(), flags=FINAL)
            return
        self._log(f"req={seq} finished reason={finish} tokens={n_out} input_tokens={n_in} ({dt:.3f}s)")
        if not req.stream:
            out = (req.prompt + text) if req.prepend_input else text
            sender.send(self.wire.response(req, out, finish, n_in, n_out), flags=FINAL)
