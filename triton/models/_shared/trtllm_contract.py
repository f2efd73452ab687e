"""The request/response contract of TensorRT-LLM's Triton `ensemble` model, for CPU test models.

A model built on this module serves the same engines as vllm_contract.py (same generation loop, same
cancellation) but speaks the ensemble's I/O and counts tokens as TensorRT-LLM does. The ensemble has
max_batch_size > 0, so every tensor carries a leading batch dimension of 1. Two layouts, chosen by the model's
config.pbtxt (Triton itself rejects an input a config does not declare):

* TensorRT-LLM >= 1.0 (`scripted_trtllm`): the token-count inputs and outputs below;
* TensorRT-LLM 0.16 - 0.19 (`scripted_trtllm_v0_16`): no return_num_* inputs, no count outputs, and the seed is
  `random_seed`.

* inputs  : text_input STRING[1,1] (required), max_tokens INT32[1,1] (required), stop_words STRING[1,n],
            bad_words STRING[1,n] (accepted, ignored), stream BOOL[1,1], exclude_input_in_output BOOL[1,1],
            temperature FP32[1,1], top_k INT32[1,1], top_p FP32[1,1], seed / random_seed UINT64[1,1],
            return_num_input_tokens / return_num_output_tokens BOOL[1,1]
* outputs : text_output STRING[1,1], num_input_tokens INT32[1,1],
            num_output_tokens INT32[1,1] (tokens generated in THIS response: one per streamed response)
* stream=true : one response per generated token with the delta text; the last one is flagged FINAL. There is
            no finish_reason output: a client knows generation hit max_tokens when the summed num_output_tokens
            reaches it without the text ending in a stop word.
* cancelling a request does not stop its generation (the ensemble's running tensorrt_llm step is never told).
* stop words are kept in the output (TensorRT-LLM detokenizes every generated id, the stop word's included);
  the end-of-sequence token is neither written nor counted: its response carries "" and num_output_tokens 0.
"""

import numpy as np
import triton_python_backend_utils as pb_utils

from vllm_contract import ContractError, SamplingParams, prefix_reuse, text_input


def _scalar(request, name, default=None):
    t = pb_utils.get_input_tensor_by_name(request, name)
    if t is None or t.as_numpy().size == 0:
        return default
    return t.as_numpy().reshape(-1)[0]


class TrtllmRequest:
    def __init__(self, request):
        self.prompt = text_input(request)
        max_tokens = _scalar(request, "max_tokens")
        if max_tokens is None:
            raise ContractError("input 'max_tokens' is required")
        stop = pb_utils.get_input_tensor_by_name(request, "stop_words")
        stop_words = [] if stop is None else [
            w.decode("utf-8") if isinstance(w, bytes) else str(w) for w in stop.as_numpy().reshape(-1)]
        sampling = {"max_tokens": int(max_tokens), "stop": stop_words, "include_stop_str_in_output": True}
        for name, key, kind in (("temperature", "temperature", float), ("top_k", "top_k", int),
                                ("top_p", "top_p", float), ("seed", "seed", int), ("random_seed", "seed", int)):
            value = _scalar(request, name)
            if value is not None:
                sampling[key] = kind(value)
        if sampling.get("top_k") == 0:  # TensorRT-LLM's "no top-k" is 0, vLLM's is -1
            sampling["top_k"] = -1
        self.params = SamplingParams(sampling)
        self.params.prefix_reuse = prefix_reuse(request)
        self.stream = bool(_scalar(request, "stream", False))
        self.prepend_input = not self.stream and not bool(_scalar(request, "exclude_input_in_output", False))
        self.return_num_input_tokens = bool(_scalar(request, "return_num_input_tokens", False))
        self.return_num_output_tokens = bool(_scalar(request, "return_num_output_tokens", False))


def _text(text):
    return pb_utils.Tensor("text_output", np.array([[text.encode("utf-8")]], dtype=np.object_))


def _response(req, text, finish_reason, num_input_tokens, num_output_tokens):
    tensors = [_text(text)]
    if req.return_num_input_tokens:
        tensors.append(pb_utils.Tensor("num_input_tokens", np.array([[num_input_tokens]], dtype=np.int32)))
    if req.return_num_output_tokens:
        tensors.append(pb_utils.Tensor("num_output_tokens", np.array([[num_output_tokens]], dtype=np.int32)))
    return pb_utils.InferenceResponse(output_tensors=tensors)


def _error_response(message):
    return pb_utils.InferenceResponse(output_tensors=[_text("")], error=pb_utils.TritonError(message))


class TrtllmWire:
    """TensorRT-LLM ensemble tensors, for vllm_contract.ContractServer(engine, wire=TrtllmWire)."""

    parse = TrtllmRequest
    response = staticmethod(_response)
    error_response = staticmethod(_error_response)
    counts_eos = False
    # Triton cancels an ensemble only in the steps it schedules after the cancel (core ensemble_scheduler.cc); the
    # tensorrt_llm step already streaming is not among them, so the engine generates on to max_tokens or EOS.
    cancel_reaches_engine = False
