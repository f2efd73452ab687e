"""`scripted_trtllm`: the `scripted` engine (../../_shared/scripted_engine.py) behind the I/O contract of
TensorRT-LLM's Triton `ensemble` model (../../_shared/trtllm_contract.py), so the mesh's TensorRT-LLM adapter is
tested against the real server."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "_shared"))

import triton_python_backend_utils as pb_utils  # noqa: E402
from scripted_engine import ScriptedEngine  # noqa: E402
from trtllm_contract import TrtllmWire  # noqa: E402
from vllm_contract import ContractServer  # noqa: E402


class TritonPythonModel:
    def initialize(self, args):
        engine = ScriptedEngine(args)
        self.server = ContractServer(engine, pb_utils.Logger, wire=TrtllmWire)
        engine.stats = self.server.stats

    def execute(self, requests):
        return self.server.execute(requests)

    def finalize(self):
        self.server.finalize()
