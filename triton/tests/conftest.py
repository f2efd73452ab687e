"""Session fixture: the real tritonserver, started through triton/launch.py on free loopback ports."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

TRITON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCH = os.path.join(TRITON_DIR, "launch.py")
READY_TIMEOUT = 200.0


def free_ports(n):
    socks = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            socks.append(s)
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class Launched:
    def __init__(self, proc, grpc_port, http_port, log_file, ready_line):
        self.proc = proc
        self.grpc_port = grpc_port
        self.http_port = http_port
        self.url = f"127.0.0.1:{grpc_port}"
        self.log_file = log_file
        self.ready_line = ready_line

    def log_text(self):
        with open(self.log_file, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self, timeout=20.0):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def launch(tmp_dir, models):
    grpc_port, http_port, metrics_port = free_ports(3)
    log_file = os.path.join(tmp_dir, "tritonserver.log")
    cmd = [sys.executable, LAUNCH, "--grpc-port", str(grpc_port), "--http-port", str(http_port),
           "--metrics-port", str(metrics_port), "--models", models,
           "--workdir", os.path.join(tmp_dir, "work"), "--log", log_file]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    reader = threading.Thread(target=lambda: lines.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(READY_TIMEOUT)
    if not lines or not lines[0].startswith("TRITON READY"):
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        pytest.fail(f"launch.py did not report READY: rc={proc.returncode} stdout={lines!r}\n"
                    f"stderr:\n{proc.stderr.read()[-4000:]}")
    # Keep draining stderr so the launcher never blocks on a full pipe.
    threading.Thread(target=proc.stderr.read, daemon=True).start()
    return Launched(proc, grpc_port, http_port, log_file, lines[0])


@pytest.fixture(scope="session")
def triton(tmp_path_factory):
    server = launch(str(tmp_path_factory.mktemp("triton")), "scripted,scripted_trtllm,scripted_trtllm_v0_16,smollm2")
    yield server
    rc = server.stop()
    assert rc == 0, f"launch.py exited with {rc} on SIGTERM"


@pytest.fixture
def url(triton):
    return triton.url
