"""The same contract on the real SmolLM2-135M-Instruct model (greedy decoding for determinism)."""

import pytest

from tritonstream import infer

MODEL = "smollm2"
CHAT = "<|im_start|>user\nName three colours.<|im_end|>\n<|im_start|>assistant\n"
GREEDY = {"temperature": 0, "max_tokens": 24}


def test_streaming_deltas_add_up_to_the_non_streaming_text_with_exact_token_counts(url):
    rs, errors = infer(url, MODEL, prompt=CHAT, stream=True, exclude=True, sampling=GREEDY)
    assert errors == [] and len(rs) >= 2
    assert all(r.num_output_tokens == 1 for r in rs)  # one response per generated token
    assert [r.final for r in rs] == [False] * (len(rs) - 1) + [True]
    assert all(r.finish_reason == "None" for r in rs[:-1]) and rs[-1].finish_reason in ("stop", "length")
    assert rs[-1].has_data
    streamed = "".join(r.text for r in rs)
    assert streamed.strip()

    one, errors = infer(url, MODEL, prompt=CHAT, stream=False, exclude=True, sampling=GREEDY)
    assert errors == [] and len(one) == 1 and one[0].final
    assert one[0].text == streamed
    assert one[0].num_output_tokens == len(rs) and one[0].finish_reason == rs[-1].finish_reason
    assert one[0].num_input_tokens == rs[0].num_input_tokens


def test_chat_markers_are_parsed_as_single_special_tokens(url):
    def n_in(prompt):
        rs, _ = infer(url, MODEL, prompt=prompt, stream=False, exclude=True, sampling={"max_tokens": 1})
        return rs[0].num_input_tokens

    assert n_in("<|im_start|>hello") == n_in("hello") + 1
    assert n_in("<|im_start|><|im_end|>hello") == n_in("hello") + 2


def test_max_tokens_gives_length(url):
    rs, _ = infer(url, MODEL, prompt="Once upon a time", stream=True, exclude=True,
                  sampling={"temperature": 0, "max_tokens": 5})
    assert len(rs) == 5 and sum(r.num_output_tokens for r in rs) == 5
    assert rs[-1].finish_reason == "length" and rs[-1].final


def test_stop_string_cuts_the_generated_text(url):
    full, _ = infer(url, MODEL, prompt=CHAT, stream=False, exclude=True, sampling=GREEDY)
    text = full[0].text
    words = text.split()
    assert len(words) >= 3, text
    stop = words[2]
    cut = text.index(stop)
    rs, _ = infer(url, MODEL, prompt=CHAT, stream=True, exclude=True, sampling={**GREEDY, "stop": [stop]})
    assert "".join(r.text for r in rs) == text[:cut]
    assert rs[-1].finish_reason == "stop"
    rs, _ = infer(url, MODEL, prompt=CHAT, stream=True, exclude=True,
                  sampling={**GREEDY, "stop": stop, "include_stop_str_in_output": True})
    assert "".join(r.text for r in rs) == text[: cut + len(stop)]


def test_non_streaming_prepends_the_prompt_by_default(url):
    rs, _ = infer(url, MODEL, prompt="The sky is", stream=False, sampling={"temperature": 0, "max_tokens": 4})
    assert len(rs) == 1 and rs[0].text.startswith("The sky is") and len(rs[0].text) > len("The sky is")


def test_seeded_sampling_is_reproducible(url):
    p = {"temperature": 0.8, "top_p": 0.95, "seed": 42, "max_tokens": 12}
    a, _ = infer(url, MODEL, prompt=CHAT, stream=False, exclude=True, sampling=p)
    b, _ = infer(url, MODEL, prompt=CHAT, stream=False, exclude=True, sampling=p)
    assert a[0].text == b[0].text


def test_different_seeds_sample_different_text(url):
    # At temperature 1 over 24 tokens, two seeds giving the same text is possible but rare; five seeds all giving
    # one text would mean the seed is ignored. Each seed is also reproducible (the same text twice).
    texts = []
    for seed in (1, 2, 3, 4, 5):
        p = {"temperature": 1.0, "top_p": 1.0, "seed": seed, "max_tokens": 24}
        a, _ = infer(url, MODEL, prompt=CHAT, stream=False, exclude=True, sampling=p)
        b, _ = infer(url, MODEL, prompt=CHAT, stream=False, exclude=True, sampling=p)
        assert a[0].text == b[0].text, f"seed {seed} is not reproducible"
        texts.append(a[0].text)
    assert len(set(texts)) >= 3, texts


@pytest.mark.parametrize("sampling", [{"temperature": 0}, {"temperature": 0.8, "top_p": 0.95, "seed": 7}],
                         ids=["greedy", "seeded"])
def test_prefix_reuse_gives_the_same_solution_as_evaluating_the_whole_prompt(url, sampling):
    thinking_prompt = ("<|im_start|>user\nWhy is the sky blue? Explain in detail.<|im_end|>\n"
                       "<|im_start|>assistant\n<think>\n")

    def solution(reuse):
        # The thinking phase leaves its prompt in the KV cache; the solution phase re-sends it, then the thinking.
        thought, _ = infer(url, MODEL, prompt=thinking_prompt, stream=False, exclude=True,
                           sampling={"temperature": 0, "max_tokens": 40})
        rs, errors = infer(url, MODEL, prompt=thinking_prompt + thought[0].text + "</think>\n", stream=True,
                           exclude=True, sampling={**sampling, "max_tokens": 40}, parameters={"prefix_reuse": reuse})
        assert errors == []
        return "".join(r.text for r in rs), sum(r.num_output_tokens for r in rs), rs[0].num_input_tokens

    without = solution(False)
    assert without[0].strip()
    assert solution(True) == without
    assert solution(True) == without  # the cache of a reused prefix is as good as a fresh one


def test_repeating_the_previous_prompt_with_prefix_reuse_gives_the_same_output(url):
    p = {"temperature": 0.8, "top_p": 0.95, "seed": 3, "max_tokens": 12}
    fresh, _ = infer(url, MODEL, prompt=CHAT, stream=False, exclude=True, sampling=p,
                     parameters={"prefix_reuse": False})
    again, _ = infer(url, MODEL, prompt=CHAT, stream=False, exclude=True, sampling=p,
                     parameters={"prefix_reuse": True})
    assert again[0].text == fresh[0].text
