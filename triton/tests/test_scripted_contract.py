"""The vLLM-backend contract, asserted exactly against the deterministic `scripted` model."""

import re
import threading
import time

import pytest

from test_scripted_trtllm_contract import trtllm, trtllm_inputs
from tritonstream import StreamSession, infer

MODEL = "scripted"
THINK = "<|im_start|>user\nsolve it<|im_end|>\n<|im_start|>assistant\n<think>\n"


def stream(url, prompt, **sampling):
    return infer(url, MODEL, prompt=prompt, stream=True, exclude=True, sampling=sampling)


def only_error(url, model=MODEL, **kw):
    responses, errors = infer(url, model, **kw)
    assert responses == [] and len(errors) == 1, (responses, errors)
    return str(errors[0].error)


def test_thinking_stream_sends_one_delta_per_token_and_marks_the_last_data_response_final(url):
    rs, errors = stream(url, THINK + "[[script think=3 answer=2]]", max_tokens=50)
    assert errors == []
    assert [r.text for r in rs] == ["think1 ", "think2 ", "think3 ", "</think>", "answer1 ", "answer2 ", ""]
    assert [r.num_output_tokens for r in rs] == [1] * 7  # the EOS token is counted, like vLLM
    assert [r.finish_reason for r in rs] == ["None"] * 6 + ["stop"]
    assert [r.final for r in rs] == [False] * 6 + [True]
    assert all(r.has_data for r in rs)  # FINAL arrives together with data, never as an empty response
    assert {r.num_input_tokens for r in rs} == {len(THINK.split()) + 3}


def test_stop_at_think_close_with_stop_string_included_gives_stop_and_n_plus_one_tokens(url):
    rs, _ = stream(url, THINK + "[[script think=5]]", max_tokens=64, stop=["</think>"], include_stop_str_in_output=True)
    assert "".join(r.text for r in rs) == "think1 think2 think3 think4 think5 </think>"
    assert sum(r.num_output_tokens for r in rs) == 6
    assert rs[-1].finish_reason == "stop" and rs[-1].final and rs[-1].text == "</think>"


def test_stop_string_is_stripped_by_default(url):
    rs, _ = stream(url, THINK + "[[script think=5]]", max_tokens=64, stop="</think>")
    assert "".join(r.text for r in rs) == "think1 think2 think3 think4 think5 "
    assert sum(r.num_output_tokens for r in rs) == 6
    assert rs[-1].finish_reason == "stop" and rs[-1].final


def test_partial_stop_string_is_never_streamed_before_it_completes(url):
    rs, _ = stream(url, THINK + "[[script think=6]]", max_tokens=64, stop=["3 think4"])
    assert "".join(r.text for r in rs) == "think1 think2 think"
    assert all("3" not in r.text for r in rs)
    assert sum(r.num_output_tokens for r in rs) == 4 and rs[-1].finish_reason == "stop"


def test_thinking_budget_exhausted_gives_length(url):
    rs, _ = stream(url, THINK + "[[script think=10]]", max_tokens=4, stop=["</think>"], include_stop_str_in_output=True)
    assert "".join(r.text for r in rs) == "think1 think2 think3 think4 "
    assert sum(r.num_output_tokens for r in rs) == 4
    assert [r.finish_reason for r in rs] == ["None"] * 3 + ["length"] and rs[-1].final


def test_unclosed_thinking_never_ends_until_max_tokens(url):
    rs, _ = stream(url, THINK + "[[script close=no think=2]]", max_tokens=7, stop=["</think>"], include_stop_str_in_output=True)
    assert "".join(r.text for r in rs) == "".join(f"think{i} " for i in range(1, 8))
    assert rs[-1].finish_reason == "length" and len(rs) == 7


def test_answer_phase_after_closed_think_streams_answer_tokens_then_eos(url):
    prompt = THINK + "think1 </think>\n[[script answer=3]]"
    rs, _ = stream(url, prompt, max_tokens=32)
    assert "".join(r.text for r in rs) == "answer1 answer2 answer3 "
    assert sum(r.num_output_tokens for r in rs) == 4 and rs[-1].finish_reason == "stop"
    assert rs[0].num_input_tokens == len(prompt.split())


@pytest.mark.parametrize("thought,boxed", [(3, "\\boxed{7} "), (2, "\\boxed{8} ")])
def test_solve_gives_the_key_only_after_enough_thinking(url, thought, boxed):
    thinking = " ".join(f"think{i}" for i in range(1, thought + 1))
    prompt = "<|im_start|>user\nsolve it [[script answer=1 solve=3 key=7]]<|im_end|>\n<|im_start|>assistant\n" \
        f"<think>\n{thinking} </think>\n"
    rs, _ = stream(url, prompt, max_tokens=32)
    assert "".join(r.text for r in rs) == "answer1 " + boxed


def test_solve_in_the_thinking_phase_counts_its_own_thinking(url):
    rs, _ = stream(url, THINK + "[[script think=2 answer=0 solve=2 key=5]]", max_tokens=50)
    assert "".join(r.text for r in rs) == "think1 think2 </think>\\boxed{5} "


def test_prompt_without_think_is_answer_phase_with_defaults_and_default_max_tokens_16(url):
    rs, _ = infer(url, MODEL, prompt="plain question", stream=True, exclude=True)  # no sampling_parameters
    assert "".join(r.text for r in rs) == "".join(f"answer{i} " for i in range(1, 7))
    rs, _ = stream(url, THINK + "[[script think=30]]")  # {} -> max_tokens 16
    assert sum(r.num_output_tokens for r in rs) == 16 and rs[-1].finish_reason == "length"


def test_last_directive_wins(url):
    rs, _ = stream(url, "[[script answer=9]] then [[script answer=2]]", max_tokens=32)
    assert "".join(r.text for r in rs) == "answer1 answer2 "


def test_numbers_as_strings_and_unknown_keys_are_accepted(url):
    rs, errors = stream(url, THINK + "[[script think=9]]", max_tokens="3", temperature="0.6", top_p="0.95",
                        top_k="20", seed="7", lora_name_unknown="x", min_tokens=0)
    assert errors == [] and sum(r.num_output_tokens for r in rs) == 3 and rs[-1].finish_reason == "length"


def test_non_streaming_returns_one_final_response_with_prompt_prepended(url):
    prompt = "q [[script answer=2]]"
    rs, errors = infer(url, MODEL, prompt=prompt, stream=False, sampling={"max_tokens": 10})
    assert errors == [] and len(rs) == 1
    r = rs[0]
    assert r.final and r.text == prompt + "answer1 answer2 "
    assert (r.finish_reason, r.num_input_tokens, r.num_output_tokens) == ("stop", 3, 3)


def test_non_streaming_can_exclude_the_prompt(url):
    rs, _ = infer(url, MODEL, prompt=THINK + "[[script think=3]]", stream=False, exclude=True,
                  sampling={"max_tokens": 10, "stop": ["</think>"], "include_stop_str_in_output": True})
    assert len(rs) == 1 and rs[0].text == "think1 think2 think3 </think>"
    assert (rs[0].finish_reason, rs[0].num_output_tokens) == ("stop", 4)


def test_outputs_are_only_returned_when_requested(url):
    rs, _ = infer(url, MODEL, prompt="x [[script answer=1]]", stream=True, exclude=True, returns=False)
    assert [r.text for r in rs] == ["answer1 ", ""]
    assert all(r.finish_reason is None and r.num_output_tokens is None for r in rs)


@pytest.mark.parametrize("sampling, message", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
    ({"max_tokens": 0}, "max_tokens must be at least 1"),
    ({"max_tokens": "many"}, "'max_tokens' must be an integer"),
    ({"stop": 5}, "'stop' must be a string or a list of strings"),
    ({"temperature": "hot"}, "'temperature' must be a number"),
    ({"top_p": 0}, "top_p must be in (0, 1]"),
])
def test_bad_sampling_parameters_give_one_error_response(url, sampling, message):
    err = only_error(url, model=MODEL, prompt="hi", stream=True, exclude=True, sampling=sampling)
    assert message in err


def test_streaming_with_prompt_included_is_rejected_like_vllm(url):
    assert "exclude_input_in_output" in only_error(url, model=MODEL, prompt="hi", stream=True, exclude=False)


def test_missing_text_input_is_an_error(url):
    assert "text_input" in only_error(url, model=MODEL, stream=True, exclude=True, sampling={"max_tokens": 4})


def test_bad_script_directive_is_an_error(url):
    assert "close" in only_error(url, model=MODEL, prompt="[[script close=maybe]]", stream=True, exclude=True)


def test_cancelling_a_stream_stops_generation_on_the_server(triton):
    marker = "cancelled after"
    before = triton.log_text().count(marker)
    s = StreamSession(triton.url)
    s.send(MODEL, prompt=THINK + "[[script close=no delay_ms=50]]", stream=True, exclude=True,
           sampling={"max_tokens": 2000})  # would take 100 s if not cancelled
    for _ in range(3):
        result, error, _t = s.q.get(timeout=20)
        assert error is None
    s.close(cancel_requests=True)
    deadline = time.monotonic() + 10
    while triton.log_text().count(marker) == before and time.monotonic() < deadline:
        time.sleep(0.1)
    lines = [l for l in triton.log_text().splitlines() if marker in l]
    assert len(lines) > before, "server never logged the cancellation"
    tokens = int(re.search(r"cancelled after (\d+) tokens", lines[-1]).group(1))
    assert tokens < 60  # stopped within a few tokens of the cancel, not after 2000
    # and the model keeps serving
    rs, errors = stream(triton.url, "x [[script answer=1]]", max_tokens=4)
    assert errors == [] and rs[-1].final


def test_two_concurrent_streams_both_complete_in_parallel(url):
    s = StreamSession(url)
    try:
        t0 = time.monotonic()
        a = s.send(MODEL, prompt=THINK + "[[script think=4 answer=0 delay_ms=300]]", stream=True, exclude=True,
                   sampling={"max_tokens": 32})
        b = s.send(MODEL, prompt="[[script answer=4 delay_ms=300]]", stream=True, exclude=True,
                   sampling={"max_tokens": 32})
        by_id, errors = s.collect(2, timeout=30)
        elapsed = time.monotonic() - t0
    finally:
        s.close()
    assert errors == []
    assert "".join(r.text for r in by_id[a]) == "think1 think2 think3 think4 </think>"
    assert "".join(r.text for r in by_id[b]) == "answer1 answer2 answer3 answer4 "
    assert by_id[a][-1].final and by_id[b][-1].final
    assert elapsed < 2.9, f"streams were serialized ({elapsed:.2f}s; one alone takes ~1.8s)"


def test_split_close_writes_the_delimiter_as_two_tokens(url):
    rs, _ = stream(url, THINK + "[[script think=2 close=split]]", max_tokens=3)
    assert [r.text for r in rs] == ["think1 ", "think2 ", "</th"]
    assert rs[-1].finish_reason == "length"


def test_reopen_writes_a_thinking_delimiter_inside_the_answer(url):
    rs, _ = stream(url, THINK + "think1 </think>\n[[script answer=3 reopen=1]]", max_tokens=32)
    assert "".join(r.text for r in rs) == "answer1 <think>answer2 answer3 "


def status(url, model=MODEL):
    """The model's `[[script status]]` answer: {"in_flight": ..., "cancelled": ...}."""
    if model == MODEL:
        rs, errors = stream(url, "[[script status]]", max_tokens=4)
    else:
        rs, errors = trtllm(url, "[[script status]]", max_tokens=4)
    # The answer token, then the end of sequence: counted by vLLM, not by TensorRT-LLM.
    assert errors == [] and [r.num_output_tokens for r in rs] == ([1, 1] if model == MODEL else [1, 0])
    return dict(item.split("=") for item in rs[0].text.split())


def start_long_generation(url, model, max_tokens):
    """A stream generating max_tokens tokens 50 ms apart, seen running (three responses in)."""
    s = StreamSession(url)
    prompt = THINK + "[[script close=no delay_ms=50]]"
    if model == MODEL:
        s.send(model, prompt=prompt, stream=True, exclude=True, sampling={"max_tokens": max_tokens})
    else:
        s.send(model, inputs=trtllm_inputs(prompt, max_tokens=max_tokens))
    for _ in range(3):
        _result, error, _t = s.q.get(timeout=20)
        assert error is None
    assert status(url, model)["in_flight"] == "1"
    return s


def wait_until_idle(url, model, seconds):
    deadline = time.monotonic() + seconds
    while (now := status(url, model))["in_flight"] != "0" and time.monotonic() < deadline:
        time.sleep(0.05)
    return now


def test_status_counts_generations_in_flight_until_a_cancelled_one_has_stopped(url):
    before = status(url)
    assert before["in_flight"] == "0"
    start_long_generation(url, MODEL, 2000).close(cancel_requests=True)  # 2000 tokens would take 100 s
    assert wait_until_idle(url, MODEL, 10) == {"in_flight": "0", "cancelled": str(int(before["cancelled"]) + 1)}


def test_cancelling_the_tensorrt_llm_ensemble_does_not_stop_its_generation(url):
    """As on the real ensemble: the cancel never reaches the running tensorrt_llm step, which generates to the end."""
    model = "scripted_trtllm"
    before = status(url, model)
    start_long_generation(url, model, 60).close(cancel_requests=True)  # 3 s of generation left
    assert status(url, model)["in_flight"] == "1", "still generating after the cancel"
    assert wait_until_idle(url, model, 30) == {"in_flight": "0", "cancelled": before["cancelled"]}


def test_tritons_request_timeout_does_not_end_a_decoupled_request_so_the_mesh_does_not_send_it(url):
    """Triton applies a request's `timeout` only in a dynamic batcher's queue policy or the sequence batcher; a
    decoupled model's execute() hands the request to its engine at once, so a request far past a 1 microsecond
    timeout still streams to its end. Only the gRPC deadline (cancellation) ends one."""
    import queue

    import tritonclient.grpc as grpcclient

    from tritonstream import Response, build_inputs

    got = queue.Queue()
    client = grpcclient.InferenceServerClient(url=url)
    client.start_stream(callback=lambda result, error: got.put((result, error)))
    try:
        client.async_stream_infer(MODEL, build_inputs(prompt="[[script answer=3 delay_ms=50]]", stream=True,
                                                      exclude=True, sampling={"max_tokens": 10}),
                                  request_id="timeout-1us", timeout=1, enable_empty_final_response=True)
        rs = []
        while not rs or not rs[-1].final:
            result, error = got.get(timeout=60)
            assert error is None, error
            rs.append(Response(result))
    finally:
        client.stop_stream()
        client.close()
    assert "".join(r.text for r in rs) == "answer1 answer2 answer3 "
    assert rs[-1].finish_reason == "stop"


def test_thinking_reopened_inside_thinking_is_written_in_two_tokens(url):
    rs, _ = stream(url, THINK + "[[script think=3 rethink=1 answer=1]]", max_tokens=64, stop=["</think>"],
                   include_stop_str_in_output=True)
    assert [r.text for r in rs] == ["think1 ", "<think", ">", "think2 ", "think3 ", "</think>"]


def test_a_prompt_as_long_as_the_context_window_is_refused_like_vllm(url):
    prompt = "w " * 4091 + THINK  # 4091 words + the 5 of THINK = 4096, the window
    message = only_error(url, prompt=prompt, stream=True, exclude=True, sampling={"max_tokens": 4})
    assert "maximum context length is 4096 tokens; the prompt has 4096" in message


def test_generation_ends_with_length_when_prompt_and_output_fill_the_context_window(url):
    prompt = "w " * 4080 + THINK + "[[script close=no]]"  # 4087 words: room for 9 tokens
    rs, errors = stream(url, prompt, max_tokens=64)
    assert errors == []
    assert rs[0].num_input_tokens == 4087
    assert sum(r.num_output_tokens for r in rs) == 9 and rs[-1].finish_reason == "length"


def test_echo_writes_the_sampling_each_generation_received_as_its_first_token(url):
    rs, errors = stream(url, THINK + "[[script think=2 echo]]", max_tokens=50, stop=["</think>"],
                        include_stop_str_in_output=True, temperature=0.7, top_p=0.9, seed=42)
    assert errors == []
    assert [r.text for r in rs] == ["[sampling temperature=0.7 top_p=0.9 seed=42] ", "think1 ", "think2 ", "</think>"]
    assert sum(r.num_output_tokens for r in rs) == 4, "the echo is a token like any other"

    answer, _ = stream(url, "[[script answer=1 echo]]", max_tokens=50)
    assert "".join(r.text for r in answer) == "[sampling temperature=1 top_p=1 seed=none] answer1 ", \
        "vLLM's defaults when the request sends none"
