"""launch.py's process contract, which the Java tests rely on (READY line, SIGTERM, server death)."""

import os
import re
import signal
import socket
import sys
import time

from conftest import TRITON_DIR, launch


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(p) for p in f.read().split()]


def test_ready_line_then_clean_stop_on_sigterm(tmp_path):
    server = launch(str(tmp_path), "scripted")
    try:
        assert re.fullmatch(rf"TRITON READY grpc=127\.0\.0\.1:{server.grpc_port}\n", server.ready_line)
        assert port_open(server.grpc_port)
        t0 = time.monotonic()
        server.proc.send_signal(signal.SIGTERM)
        assert server.proc.wait(20) == 0
        assert time.monotonic() - t0 < 15
        assert not port_open(server.grpc_port)
    finally:
        server.stop()


def test_launcher_exits_non_zero_when_the_server_dies(tmp_path):
    server = launch(str(tmp_path), "scripted")
    try:
        (tritonserver,) = children(server.proc.pid)
        os.kill(tritonserver, signal.SIGKILL)
        assert server.proc.wait(20) != 0
    finally:
        server.stop()


def test_passed_server_flags_replace_the_launchers_own_of_the_same_name():
    sys.path.insert(0, TRITON_DIR)
    import launch as launcher

    own = ["--model-repository=/r", "--model-control-mode=explicit", "--load-model=a", "--load-model=b",
           "--grpc-port=1"]
    assert launcher.server_flags(own, ["--model-control-mode=none", "--exit-on-error=true"]) == [
        "--model-repository=/r", "--grpc-port=1", "--model-control-mode=none", "--exit-on-error=true"]
    assert launcher.server_flags(own, ["--load-model=c"]) == [
        "--model-repository=/r", "--model-control-mode=explicit", "--grpc-port=1", "--load-model=c"]
    assert launcher.server_flags(own, []) == own
