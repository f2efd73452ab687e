"""The TensorRT-LLM ensemble contract, served by `scripted_trtllm` (the scripted engine behind the ensemble's I/O)."""

import re

import numpy as np
import tritonclient.grpc as grpcclient

from tritonstream import StreamSession, infer

MODEL = "scripted_trtllm"
THINK = "<|im_start|>user\nsolve it<|im_end|>\n<|im_start|>assistant\n<think>\n"


def trtllm_inputs(prompt=None, max_tokens=None, stop_words=None, stream=True, exclude=True, counts=True,
                  sampling=None):
    """The ensemble's inputs, each with its leading batch dimension of 1; `counts` asks for the token counts;
    `sampling` maps tensor names (temperature, top_p, seed, ...) to (datatype, value)."""
    inputs = []

    def add(name, dtype, values):
        array = np.array([values], dtype={"BYTES": np.object_, "BOOL": np.bool_, "INT32": np.int32,
                                          "FP32": np.float32, "UINT64": np.uint64}[dtype])
        t = grpcclient.InferInput(name, list(array.shape), dtype)
        t.set_data_from_numpy(array)
        inputs.append(t)

    if prompt is not None:
        add("text_input", "BYTES", [prompt.encode("utf-8")])
    if max_tokens is not None:
        add("max_tokens", "INT32", [max_tokens])
    if stop_words:
        add("stop_words", "BYTES", [w.encode("utf-8") for w in stop_words])
    add("stream", "BOOL", [stream])
    add("exclude_input_in_output", "BOOL", [exclude])
    if counts:
        add("return_num_input_tokens", "BOOL", [True])
        add("return_num_output_tokens", "BOOL", [True])
    for name, (dtype, value) in (sampling or {}).items():
        add(name, dtype, [value])
    return inputs


def trtllm(url, prompt, model=MODEL, **kw):
    s = StreamSession(url)
    try:
        rid = s.send(model, inputs=trtllm_inputs(prompt, **kw))
        by_id, errors = s.collect(1, 60)
        return by_id.get(rid, []), errors
    finally:
        s.close()


def test_streams_one_response_per_token_with_the_stop_word_kept_and_the_same_text_as_the_vllm_contract(url):
    prompt = THINK + "[[script think=3 answer=2]]"
    rs, errors = trtllm(url, prompt, max_tokens=50, stop_words=["</think>"])
    assert errors == []
    assert [r.text for r in rs] == ["think1 ", "think2 ", "think3 ", "</think>"]
    assert [r.num_output_tokens for r in rs] == [1, 1, 1, 1]
    assert [r.final for r in rs] == [False, False, False, True]

    vllm, _ = infer(url, "scripted", prompt=prompt, stream=True, exclude=True,
                    sampling={"max_tokens": 50, "stop": ["</think>"], "include_stop_str_in_output": True})
    assert "".join(r.text for r in vllm) == "".join(r.text for r in rs)
    assert sum(r.num_output_tokens for r in vllm) == sum(r.num_output_tokens for r in rs), "no EOS involved"
    assert {r.num_input_tokens for r in rs} == {vllm[0].num_input_tokens}


def test_max_tokens_bounds_generation(url):
    rs, _ = trtllm(url, THINK + "[[script think=10]]", max_tokens=4, stop_words=["</think>"])
    assert "".join(r.text for r in rs) == "think1 think2 think3 think4 "
    assert sum(r.num_output_tokens for r in rs) == 4 and rs[-1].final


def test_end_of_sequence_is_neither_written_nor_counted_unlike_vllm(url):
    rs, _ = trtllm(url, "[[script answer=2]]", max_tokens=10)
    assert [r.text for r in rs] == ["answer1 ", "answer2 ", ""]
    assert [r.num_output_tokens for r in rs] == [1, 1, 0]

    vllm, _ = infer(url, "scripted", prompt="[[script answer=2]]", stream=True, exclude=True,
                    sampling={"max_tokens": 10})
    assert sum(r.num_output_tokens for r in vllm) == 3, "vLLM counts the end-of-sequence token"


def test_the_0_16_ensemble_layout_rejects_the_token_count_inputs_as_triton_does(url):
    rs, errors = trtllm(url, "[[script answer=2]]", model="scripted_trtllm_v0_16", max_tokens=10)
    assert rs == [] and len(errors) == 1
    assert re.search(r"unexpected inference input 'return_num_(in|out)put_tokens' for model 'scripted_trtllm_v0_16'",
                     str(errors[0].error))


def test_the_0_16_ensemble_layout_serves_without_counts(url):
    rs, errors = trtllm(url, "[[script answer=2]]", model="scripted_trtllm_v0_16", max_tokens=10, counts=False)
    assert errors == []
    assert [r.text for r in rs] == ["answer1 ", "answer2 ", ""] and rs[-1].final
    assert {r.num_output_tokens for r in rs} == {None}, "the 0.16 ensemble has no count outputs"


def test_missing_max_tokens_is_an_error(url):
    rs, errors = trtllm(url, "hi")
    assert rs == [] and len(errors) == 1 and "max_tokens" in str(errors[0].error)


def test_echo_writes_the_ensembles_temperature_top_p_and_uint64_seed(url):
    sampling = {"temperature": ("FP32", 0.7), "top_k": ("INT32", 0), "top_p": ("FP32", 0.9),
                "seed": ("UINT64", 4_000_000_000)}
    rs, errors = trtllm(url, THINK + "[[script think=1 echo]]", max_tokens=50, stop_words=["</think>"],
                        sampling=sampling)
    assert errors == []
    assert [r.text for r in rs] == ["[sampling temperature=0.7 top_p=0.9 seed=4000000000] ", "think1 ", "</think>"]
