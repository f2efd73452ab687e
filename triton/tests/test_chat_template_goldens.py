"""The golden chat-template renderings the Java tests compare against are jinja2's current output."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))

from render_chat_templates import renderings  # noqa: E402


def test_golden_renderings_are_what_jinja2_renders_in_transformers_environment():
    goldens = list(renderings())
    assert len(goldens) >= 18
    for path, text in goldens:
        assert path.read_bytes() == text.encode("utf-8"), f"{path} is stale: run triton/tools/render_chat_templates.py"
