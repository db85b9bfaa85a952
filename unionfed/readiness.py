"""Waiting for a ``unionfed`` service process to come up: ``make run``, the cross-service tests and the
benchmarks all start services as child processes and wait on their ``/healthz``."""

from __future__ import annotations

import subprocess
import time

import httpx


def wait_until_healthy(process: subprocess.Popen[bytes], url: str, *, name: str, timeout: float = 60) -> None:
    """Wait until ``url/healthz`` answers 200; ``RuntimeError`` naming ``name`` if the process exits first
    or the service does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with status {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not answer on {url}/healthz within {timeout:.0f} s")
