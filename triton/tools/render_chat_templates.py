"""Renders every chat template of inference/src/main/resources/chat-templates over the conversations of
inference/src/test/resources/chat-templates/conversations.json with Python's jinja2, configured as Hugging Face
transformers configures it for apply_chat_template, and writes the renderings the Java tests compare Jinjava
against byte for byte (golden/<template>.<conversation>.txt).

    ~/.cache/elastic-mesh/venv/bin/python triton/tools/render_chat_templates.py          # rewrite the goldens
    ~/.cache/elastic-mesh/venv/bin/python triton/tools/render_chat_templates.py --check  # exit 1 when stale
"""

import argparse
import json
import pathlib
import sys
from datetime import datetime

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

ROOT = pathlib.Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "inference/src/main/resources/chat-templates"
TESTS = ROOT / "inference/src/test/resources/chat-templates"

# The special tokens each template's tokenizer passes (tokenizer_config.json), keyed by template file stem.
SPECIAL_TOKENS = {
    "smollm2-instruct": {"bos_token": "<|im_start|>", "eos_token": "<|im_end|>"},
    "deepseek-r1-distill-qwen": {"bos_token": "<｜begin▁of▁sentence｜>", "eos_token": "<｜end▁of▁sentence｜>"},
    "qwen3": {"bos_token": None, "eos_token": "<|im_end|>"},
}


def hf_environment():
    """The environment transformers' chat_template_utils builds: sandboxed, trim_blocks and lstrip_blocks on,
    loop controls, a tojson that keeps non-ASCII text, raise_exception and strftime_now globals."""

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(value, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env


def renderings():
    env = hf_environment()
    conversations = json.loads((TESTS / "conversations.json").read_text(encoding="utf-8"))
    for path in sorted(TEMPLATES.glob("*.jinja")):
        template = env.from_string(path.read_text(encoding="utf-8"))
        for name, messages in conversations.items():
            text = template.render(messages=messages, add_generation_prompt=True, **SPECIAL_TOKENS[path.stem])
            yield TESTS / "golden" / f"{path.stem}.{name}.txt", text


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 when stale")
    args = parser.parse_args()
    stale = []
    for path, text in renderings():
        if args.check:
            if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
                stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
    if stale:
        print("stale golden renderings (run without --check):", *stale, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
