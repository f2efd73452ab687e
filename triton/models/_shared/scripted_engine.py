"""The `scripted` engine: deterministic thinking and answers driven by a directive in the prompt. Served behind
either contract (models `scripted` and `scripted_trtllm`).

Directive: the LAST `[[script key=value ...]]` in text_input; keys
  think=N (8)  close=yes|no|split (yes)  answer=M (6)  delay_ms=D (0, sleep before every token)
  reopen=K (none: after K answer tokens the answer writes "<think>", as a model that starts thinking again)
  rethink=K (none: after K thinking tokens the thinking writes "<think>" again, in two tokens "<think" and ">",
         as SmolLM2 does when asked to think)
  solve=K key=V (none): the answer ends with one more token, "\\boxed{V} " when the thinking ran at least K
         "thinkI" tokens (in the ANSWER phase: those between the last "<think>" and the "</think>" after it;
         in the THINKING phase: think=N), else "\\boxed{V+1} " -- an answer right only with enough thinking
  status (no value): instead of generating, answer `in_flight=N cancelled=C` in one token, where N counts this
         model's other generations still running and C the generations stopped by a cancellation since load.
  echo (no value): the first token of the generation (thinking or answer) is the sampling it received,
         `[sampling temperature=T top_p=P seed=S] ` (6 significant digits; seed=none when unseeded), so a test
         can see what arrived in each phase; the script follows.
Phase: ANSWER if there is no `<think>` in text_input or the text after the last `<think>`
contains `</think>`; THINKING otherwise.
  THINKING: "think1 ", ..., "thinkN ", then (close=yes) "</think>", "answer1 ", ..., "answerM ", EOS;
            (close=split) the same with the delimiter written as two tokens, "</th" and "ink>";
            (close=no) "think1 ", "think2 ", ... forever (bounded by max_tokens).
  ANSWER  : "answer1 ", ..., "answerM ", EOS.
num_input_tokens = number of whitespace-separated words in text_input; sampling knobs other than
max_tokens / stop / include_stop_str_in_output are accepted and ignored (`echo` shows temperature, top_p, seed).
Context window: the model config parameter `context_window_tokens` (words), enforced as vLLM enforces
max_model_len (see vllm_contract.Engine): a longer prompt is refused, and generation stops with "length" when the
prompt and the output fill it.
"""

import itertools
import json
import re
import time

from vllm_contract import EOS, ContractError, Engine

_DIRECTIVE = re.compile(r"\[\[script((?:[^\]]|\](?!\]))*)\]\]")
_DEFAULTS = {"think": 8, "close": "yes", "answer": 6, "delay_ms": 0, "reopen": None, "rethink": None,
             "solve": None, "key": 0, "status": False, "echo": False}
_FLAGS = ("status", "echo")
_THOUGHT = re.compile(r"^think\d+$")


def parse_directive(prompt):
    found = _DIRECTIVE.findall(prompt)
    cfg = dict(_DEFAULTS)
    if not found:
        return cfg
    for item in found[-1].split():
        key, sep, value = item.partition("=")
        if key in _FLAGS and not sep:
            cfg[key] = True
        elif not sep:
            raise ContractError(f"bad [[script]] item {item!r}: expected key=value")
        elif key == "close":
            if value not in ("yes", "no", "split"):
                raise ContractError(f"bad [[script]] close={value!r}: expected yes, no or split")
            cfg["close"] = value
        elif key in ("think", "answer", "delay_ms", "reopen", "rethink", "solve", "key"):
            try:
                n = int(value)
            except ValueError:
                n = -1
            if n < 0:
                raise ContractError(f"bad [[script]] {key}={value!r}: expected a non-negative integer")
            cfg[key] = n
        else:
            raise ContractError(f"unknown [[script]] key {key!r}")
    return cfg


def is_thinking_phase(prompt):
    i = prompt.rfind("<think>")
    return i >= 0 and "</think>" not in prompt[i + len("<think>"):]


def thought_in(prompt):
    """The "thinkI" tokens between the last <think> and the </think> after it."""
    i = prompt.rfind("<think>")
    if i < 0:
        return 0
    block = prompt[i + len("<think>"):].split("</think>")[0]
    return sum(1 for word in block.split() if _THOUGHT.match(word))


def script_tokens(prompt):
    cfg = parse_directive(prompt)
    thinking_phase = is_thinking_phase(prompt)
    if thinking_phase:
        thinking = (f"think{i} " for i in itertools.count(1))
        if cfg["rethink"] is not None:
            k = cfg["rethink"]
            thinking = itertools.chain(itertools.islice(thinking, k), ["<think", ">"], thinking)
        if cfg["close"] == "no":
            return cfg, thinking
        closing = ["</th", "ink>"] if cfg["close"] == "split" else ["</think>"]
        extra = 0 if cfg["rethink"] is None or cfg["rethink"] > cfg["think"] else 2
        toks = list(itertools.islice(thinking, cfg["think"] + extra)) + closing
    else:
        toks = []
    answer = [f"answer{i} " for i in range(1, cfg["answer"] + 1)]
    if cfg["reopen"] is not None:
        answer.insert(cfg["reopen"], "<think>")
    if cfg["solve"] is not None:
        thought = cfg["think"] if thinking_phase else thought_in(prompt)
        answer.append("\\boxed{%d} " % (cfg["key"] if thought >= cfg["solve"] else cfg["key"] + 1))
    toks += answer
    return cfg, iter(toks + [EOS])


def echo_token(params):
    """The sampling a request carried, as the `echo` directive writes it."""
    seed = "none" if params.seed is None else params.seed
    return f"[sampling temperature={params.temperature:.6g} top_p={params.top_p:.6g} seed={seed}] "


class ScriptedEngine(Engine):
    name = "scripted"

    stats = None  # set by the model to its ContractServer.stats, for the status directive

    def __init__(self, model_args):
        """model_args: the Python backend's initialize() arguments (the model config as JSON)."""
        config = json.loads(model_args["model_config"])
        window = config.get("parameters", {}).get("context_window_tokens", {}).get("string_value")
        if window is None or not window.isdigit() or int(window) < 1:
            raise RuntimeError(f"model parameter context_window_tokens must be a positive integer, was {window!r}")
        self.context_window = int(window)

    def count_input_tokens(self, prompt):
        return len(prompt.split())

    def generate(self, prompt, params):
        cfg, tokens = script_tokens(prompt)
        if cfg["status"]:
            s = self.stats()
            yield f"in_flight={s['in_flight'] - 1} cancelled={s['cancelled']}"  # not counting this request
            yield EOS
            return
        delay = cfg["delay_ms"] / 1000.0
        if cfg["echo"]:
            tokens = itertools.chain([echo_token(params)], tokens)
        for tok in tokens:
            if delay:
                time.sleep(delay)
            yield tok
