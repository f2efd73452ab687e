"""The router's OpenAI-compatible HTTP API, called with OpenAI's official Python SDK (PyPI `openai`).

Run against a live mesh by OpenAiPythonSdkIT (or by hand after ./mesh up):
    MESH_OPENAI_BASE_URL=http://127.0.0.1:8100/v1 ~/.cache/elastic-mesh/venv/bin/python -m pytest -q test_openai_sdk.py
"""

import os

import openai
import pytest

BASE_URL = os.environ["MESH_OPENAI_BASE_URL"]
# The scripted model thinks think1 think2 … and answers answer1 answer2 … as the directive says.
CUT = "Solve it. [[script think=9 close=yes answer=4]]"


@pytest.fixture
def client():
    # The local mesh authenticates no one; the SDK sends the key as a Bearer token all the same.
    return openai.OpenAI(base_url=BASE_URL, api_key="unused", max_retries=0, timeout=60)


def test_a_reply_carries_reasoning_content_usage_and_the_cut(client):
    reply = client.chat.completions.create(
        model="scripted",
        messages=[{"role": "user", "content": CUT}],
        extra_body={"thinking_token_budget": 5},
    )

    message = reply.choices[0].message
    assert message.content == "answer1 answer2 answer3 answer4 "
    assert message.reasoning_content == "think1 think2 think3 think4 think5 "
    assert message.reasoning == message.reasoning_content
    assert reply.choices[0].finish_reason == "stop"
    # thinking 5 + the forced delimiter 1 + the answer 5 (4 words and the end of sequence)
    assert reply.usage.completion_tokens == 11
    assert reply.usage.completion_tokens_details.reasoning_tokens == 5
    assert reply.elastic["thinking_truncated"] is True
    assert reply.elastic["truncation_reason"] == "token_budget"
    assert reply.elastic["forced_delimiter"] is True
    assert reply.elastic["request_id"] == reply.id


def test_a_stream_carries_reasoning_the_cut_the_answer_and_usage(client):
    chunks = list(
        client.chat.completions.create(
            model="scripted",
            messages=[{"role": "user", "content": CUT}],
            stream=True,
            stream_options={"include_usage": True},
            extra_body={"thinking_token_budget": 5},
        )
    )

    deltas = [c.choices[0].delta for c in chunks if c.choices]
    assert "".join(getattr(d, "reasoning_content", None) or "" for d in deltas) == "think1 think2 think3 think4 think5 "
    assert "".join(d.content or "" for d in deltas) == "answer1 answer2 answer3 answer4 "
    events = [c.elastic for c in chunks if getattr(c, "elastic", None)]
    assert [e["event"] for e in events] == ["thinking_end", "completed"]
    assert events[0]["thinking_truncated"] is True
    assert [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason] == ["stop"]
    assert chunks[-1].usage.completion_tokens_details.reasoning_tokens == 5


def test_max_completion_tokens_keeps_the_answers_reserve(client):
    # The scripted tier reserves 32 tokens for the answer: 36 leaves 4 for thinking.
    reply = client.chat.completions.create(
        model="scripted",
        messages=[{"role": "user", "content": CUT}],
        max_completion_tokens=36,
    )

    assert reply.usage.completion_tokens_details.reasoning_tokens == 4
    assert reply.elastic["budgets_applied"]["thinking_token_budget"] == 4
    assert reply.elastic["budgets_applied"]["solution_token_budget"] == 32


def test_a_reserve_that_cannot_be_kept_is_a_bad_request(client):
    with pytest.raises(openai.BadRequestError) as refused:
        client.chat.completions.create(
            model="scripted", messages=[{"role": "user", "content": CUT}], max_completion_tokens=32
        )

    assert refused.value.status_code == 400
    assert refused.value.body["param"] == "max_completion_tokens"
    assert "answer's reserve of 32 tokens" in refused.value.message


def test_an_unknown_model_is_not_found(client):
    with pytest.raises(openai.NotFoundError) as refused:
        client.chat.completions.create(model="platinum", messages=[{"role": "user", "content": "hi"}])

    assert "tier 'platinum' does not exist" in refused.value.message


def test_models_are_the_tiers(client):
    assert {"scripted", "standard", "economy"} <= {m.id for m in client.models.list()}


def test_a_cut_request_continues_over_http(client):
    first = client.chat.completions.create(
        model="scripted",
        messages=[{"role": "user", "content": "Solve it. [[script think=9 close=yes answer=2]]"}],
        extra_body={"thinking_token_budget": 3},
    )

    more = client.post(
        "/elastic/continuations",
        body={"request_id": first.id, "extra_thinking_tokens": 20},
        cast_to=openai.types.chat.ChatCompletion,
    )

    assert more.elastic["continued_request_id"] == first.id
    assert more.elastic["thinking_truncated"] is False
    assert more.choices[0].message.content == "answer1 answer2 "
