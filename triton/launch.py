#!/usr/bin/env python3
"""Start the real Triton Inference Server (2.51, from PyPI nvidia-pytriton) on loopback with the
Elastic-Mesh model repository, wait until it and every requested model is ready, then print

    TRITON READY grpc=127.0.0.1:<grpc-port>

on stdout (the only stdout line) and stay in the foreground until SIGTERM/SIGINT, which stop the
server (SIGKILL after a grace period). Exits non-zero if the server fails to start or dies.

Run it with the venv's interpreter (created by triton/setup.sh):
    $MESH_CACHE/venv/bin/python triton/launch.py --grpc-port 8001 --http-port 8000 \
        --metrics-port 8002 --models scripted,smollm2 [--workdir DIR] [--log FILE]
        [--model-repository DIR] [--server-arg=--FLAG=VALUE ...]

--server-arg passes a tritonserver flag through; a flag named there replaces launch.py's own of that name (a
--model-control-mode replaces its --load-model flags too), which is how k8s-tests runs a manifest's own flags on a
Kubernetes-shaped repository.
"""

import argparse
import ctypes
import glob
import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_REPOSITORY = os.path.join(HERE, "models")
SHM_GLOB = "/dev/shm/triton_python_backend_shm_region_*"


def log(msg):
    try:
        print(f"launch.py: {msg}", file=sys.stderr, flush=True)
    except BrokenPipeError:
        pass  # whoever read it died (a JVM killed with -9): the shutdown it would interrupt goes on


def fail(msg, log_file=None, code=1):
    log(f"ERROR: {msg}")
    if log_file and os.path.exists(log_file):
        with open(log_file, "rb") as f:
            tail = f.read()[-6000:].decode("utf-8", "replace")
        print(f"---- last lines of {log_file} ----\n{tail}\n----", file=sys.stderr, flush=True)
    sys.exit(code)


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--grpc-port", type=int, required=True)
    ap.add_argument("--http-port", type=int, required=True)
    ap.add_argument("--metrics-port", type=int, required=True)
    ap.add_argument("--models", default="scripted,smollm2", help="comma-separated model names to load")
    ap.add_argument("--workdir", help="where to copy the server tree (default: a fresh temp dir, removed on exit)")
    ap.add_argument("--log", help="server log file (default: <workdir>/tritonserver.log)")
    ap.add_argument("--model-repository", default=MODEL_REPOSITORY, help="model repository (default: triton/models)")
    ap.add_argument("--server-arg", action="append", default=[], metavar="--FLAG=VALUE",
                    help="a tritonserver flag, replacing launch.py's own of the same name (repeatable)")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds to wait for readiness")
    ap.add_argument("--grace", type=float, default=8.0, help="seconds between SIGTERM and SIGKILL at shutdown")
    a = ap.parse_args()
    a.models = [m.strip() for m in a.models.split(",") if m.strip()]
    if not a.models:
        ap.error("--models is empty")
    for m in a.models:
        if m.startswith("_") or not os.path.isfile(os.path.join(a.model_repository, m, "config.pbtxt")):
            ap.error(f"unknown model {m!r} (no {a.model_repository}/{m}/config.pbtxt)")
    for arg in a.server_arg:
        if not arg.startswith("--"):
            ap.error(f"--server-arg {arg!r} is not a --flag")
    return a


def server_flags(own, passed):
    """launch.py's flags, minus those a passed flag replaces, then the passed ones. A passed --model-control-mode
    replaces launch.py's --load-model flags too (they belong to its explicit mode)."""
    replaced = {arg.split("=", 1)[0] for arg in passed}
    if "--model-control-mode" in replaced:
        replaced.add("--load-model")
    return [arg for arg in own if arg.split("=", 1)[0] not in replaced] + list(passed)


def site_dirs():
    spec = importlib.util.find_spec("pytriton")
    if spec is None or not spec.submodule_search_locations:
        fail("package nvidia-pytriton is not installed in this interpreter; run triton/setup.sh and use its venv python")
    pkg = list(spec.submodule_search_locations)[0]
    site = os.path.dirname(pkg)
    return os.path.join(pkg, "tritonserver"), os.path.join(site, "nvidia_pytriton.libs")


def prepare_tree(src, dest):
    """Copy the server tree (without the per-Python stubs) and put the matching stub in backends/python."""
    if os.path.exists(dest):
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("python_backend_stubs", "__pycache__"), symlinks=True)
    ver = f"{sys.version_info.major}.{sys.version_info.minor}"
    stub = os.path.join(src, "python_backend_stubs", ver, "triton_python_backend_stub")
    if not os.path.isfile(stub):
        fail(f"no Python-backend stub for Python {ver} in {src}/python_backend_stubs")
    shutil.copy2(stub, os.path.join(dest, "backends", "python", "triton_python_backend_stub"))


def clean_orphan_shm(min_age_s=30.0):
    """Remove python-backend shm regions that no live process maps (left by killed servers)."""
    files = glob.glob(SHM_GLOB)
    if not files:
        return
    mapped = set()
    for maps in glob.glob("/proc/[0-9]*/maps"):
        try:
            with open(maps) as f:
                for line in f:
                    if "triton_python_backend_shm_region_" in line:
                        mapped.add(line.split(None, 5)[-1].strip().replace(" (deleted)", ""))
        except OSError:
            continue
    now = time.time()
    for path in files:
        try:
            if path not in mapped and now - os.path.getmtime(path) > min_age_s:
                os.unlink(path)
        except OSError:
            pass


def _die_with_parent():
    # If launch.py is SIGKILLed, the kernel kills the server too (PR_SET_PDEATHSIG = 1).
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)
    except Exception:
        pass


def main():
    a = parse_args()
    t_start = time.monotonic()
    src_tree, libs = site_dirs()
    if not os.path.isfile(os.path.join(src_tree, "bin", "tritonserver")):
        fail(f"tritonserver binary missing under {src_tree}")

    own_workdir = a.workdir is None
    workdir = os.path.abspath(a.workdir or tempfile.mkdtemp(prefix="elastic-mesh-triton-"))
    os.makedirs(workdir, exist_ok=True)
    tree = os.path.join(workdir, "tritonserver")
    log_file = os.path.abspath(a.log or os.path.join(workdir, "tritonserver.log"))
    os.makedirs(os.path.dirname(log_file), exist_ok=True)

    clean_orphan_shm()
    prepare_tree(src_tree, tree)

    env = dict(os.environ)
    libdir = sysconfig.get_config_var("LIBDIR") or ""
    env["LD_LIBRARY_PATH"] = os.pathsep.join(p for p in (libs, libdir, env.get("LD_LIBRARY_PATH", "")) if p)
    # The stub embeds libpython; with the venv's bin first on PATH it resolves the venv's prefix
    # (site-packages: numpy, llama_cpp, ...), exactly like PyTriton does.
    venv_bin = os.path.dirname(os.path.abspath(sys.executable))
    env["PATH"] = os.pathsep.join(p for p in (venv_bin, env.get("PATH", "")) if p)
    env["VIRTUAL_ENV"] = sys.prefix
    env.pop("PYTHONHOME", None)
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"

    cmd = [os.path.join(tree, "bin", "tritonserver")] + server_flags([
        f"--model-repository={os.path.abspath(a.model_repository)}",
        f"--backend-directory={os.path.join(tree, 'backends')}",
        "--model-control-mode=explicit",
        *[f"--load-model={m}" for m in a.models],
        "--grpc-address=127.0.0.1", f"--grpc-port={a.grpc_port}",
        "--http-address=127.0.0.1", f"--http-port={a.http_port}",
        "--metrics-address=127.0.0.1", f"--metrics-port={a.metrics_port}",
        "--allow-gpu-metrics=false",
        "--pinned-memory-pool-byte-size=0",  # CPU only: no CUDA driver, skip the pinned pool
        "--exit-timeout-secs=5",
        "--log-info=true",
    ], a.server_arg)
    logf = open(log_file, "ab", buffering=0)
    logf.write(("launch.py: " + " ".join(cmd) + "\n").encode())
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=logf,
                            stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=_die_with_parent)

    stopping = {"sig": None}

    def on_signal(signum, _frame):
        stopping["sig"] = signum

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    def shutdown(keep_log=False):
        """Stop the server (TERM, then KILL of its process group), clean shm, remove a temp
        workdir (only the copied server tree when keep_log, so a post-mortem log survives)."""
        if proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
                proc.wait(a.grace)
            except subprocess.TimeoutExpired:
                log(f"server did not exit within {a.grace}s; killing it")
            except ProcessLookupError:
                pass
        # Kill leftovers of the server's process group (python-backend stubs) and the server itself.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()
        logf.close()
        clean_orphan_shm(min_age_s=5.0)  # never race a server that is just starting
        if own_workdir:
            shutil.rmtree(tree if keep_log else workdir, ignore_errors=True)

    # ---- wait for readiness over gRPC (the protocol the mesh uses)
    import tritonclient.grpc as grpcclient  # imported late: only needed here

    client = grpcclient.InferenceServerClient(url=f"127.0.0.1:{a.grpc_port}")
    deadline = t_start + a.timeout
    pending = list(a.models)
    server_ready = False
    while True:
        if stopping["sig"] is not None:
            shutdown()
            log("stopped before the server became ready")
            sys.exit(1)
        rc = proc.poll()
        if rc is not None:
            shutdown(keep_log=True)
            fail(f"tritonserver exited with code {rc} during start-up", log_file)
        try:
            if not server_ready:
                server_ready = client.is_server_ready(client_timeout=2)
            if server_ready:
                pending = [m for m in pending if not client.is_model_ready(m, client_timeout=2)]
                if not pending:
                    break
        except Exception:
            pass  # not listening yet
        if time.monotonic() > deadline:
            what = "server" if not server_ready else "model(s) " + ",".join(pending)
            shutdown(keep_log=True)
            fail(f"{what} not ready within {a.timeout:.0f}s", log_file)
        time.sleep(0.25)
    client.close()

    log(f"server ready in {time.monotonic() - t_start:.1f}s (pid {proc.pid}, log {log_file})")
    sys.stdout.write(f"TRITON READY grpc=127.0.0.1:{a.grpc_port}\n")
    sys.stdout.flush()

    # ---- foreground until a signal or the server's death
    while stopping["sig"] is None:
        rc = proc.poll()
        if rc is not None:
            shutdown(keep_log=True)
            fail(f"tritonserver exited unexpectedly with code {rc}", log_file, code=rc if rc > 0 else 1)
        time.sleep(0.2)
    shutdown()
    log(f"stopped on signal {stopping['sig']}")
    sys.exit(0)


if __name__ == "__main__":
    main()
