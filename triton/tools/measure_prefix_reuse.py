"""Solution-phase time to first token on `smollm2`, with and without prefix reuse.

Each run is one Elastic Reasoning request on the real server: a thinking call (chat prompt, greedy, exactly
--thinking-tokens tokens) and then the solution call, whose prompt is that prompt + the thinking + "</think>\\n",
sent with the Triton request parameter prefix_reuse=false or =true (alternating, so both see the same machine
load). Time to first token is measured at the client, from sending the solution request to its first token.

    ~/.cache/elastic-mesh/venv/bin/python triton/tools/measure_prefix_reuse.py [--runs 7] [--url HOST:PORT]

Without --url it starts its own Triton through triton/launch.py (smollm2 only).
"""

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))

from conftest import launch  # noqa: E402
from tritonstream import StreamSession, infer  # noqa: E402

PROMPT = ("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
          "<|im_start|>user\nExplain why the sky is blue, step by step.<|im_end|>\n<|im_start|>assistant\n<think>\n")


def solution_ttft(url, prompt, reuse, max_tokens):
    s = StreamSession(url)
    try:
        t0 = time.monotonic()
        rid = s.send("smollm2", prompt=prompt, stream=True, exclude=True, parameters={"prefix_reuse": reuse},
                     sampling={"temperature": 0, "max_tokens": max_tokens})
        by_id, errors = s.collect(1, timeout=300)
        if errors:
            raise RuntimeError(errors)
        responses = by_id[rid]
        first = next(r for r in responses if r.num_output_tokens)
        return first.t - t0, responses[0].num_input_tokens
    finally:
        s.close()


def measure(url, runs, thinking_tokens, solution_tokens):
    times = {False: [], True: []}
    for i in range(runs * 2):
        reuse = i % 2 == 1
        thought, errors = infer(url, "smollm2", prompt=PROMPT, stream=False, exclude=True,
                                sampling={"temperature": 0, "max_tokens": thinking_tokens, "ignore_eos": True})
        assert not errors and thought[0].num_output_tokens == thinking_tokens, (thought, errors)
        ttft, n_in = solution_ttft(url, PROMPT + thought[0].text + "</think>\n", reuse, solution_tokens)
        times[reuse].append(ttft * 1000)
    return times, n_in, thought[0].num_input_tokens


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url")
    ap.add_argument("--runs", type=int, default=7, help="runs per mode")
    ap.add_argument("--thinking-tokens", type=int, default=100)
    ap.add_argument("--solution-tokens", type=int, default=8)
    a = ap.parse_args()
    # A SIGTERM (e.g. from `timeout`) unwinds through the finally below, so the Triton it started stops too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    server = None
    if a.url is None:
        server = launch(tempfile.mkdtemp(prefix="prefix-reuse-"), "smollm2")
    try:
        times, n_solution, n_prompt = measure(a.url or server.url, a.runs, a.thinking_tokens, a.solution_tokens)
    finally:
        if server is not None:
            server.stop()
    print(f"prompt {n_prompt} tokens, thinking {a.thinking_tokens} tokens, solution prompt {n_solution} tokens, "
          f"{a.runs} runs per mode")
    for reuse, label in ((False, "without reuse"), (True, "with reuse   ")):
        ms = times[reuse]
        print(f"solution TTFT {label}: median {statistics.median(ms):7.1f} ms  "
              f"(min {min(ms):.1f}, max {max(ms):.1f}; all: {', '.join(f'{t:.0f}' for t in ms)})")


if __name__ == "__main__":
    main()
