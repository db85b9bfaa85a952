"""Services as real processes for cross-service tests: started with ``unionfed``, waited for on
``/healthz``, killed or stopped on purpose."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import httpx

from exchange.protocol.service_tokens import PeerKey
from tests.integration.province_node.conftest import NATIONAL_SECRET, NODE_SECRET
from unionfed.readiness import wait_until_healthy


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Service:
    """A ``unionfed`` service process on a local port; ``start`` again after ``kill`` or ``stop``."""

    argv: Sequence[str]
    environment: Mapping[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Its base URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self, *, timeout: float = 60) -> None:
        """Start it and wait until ``/healthz`` answers."""
        argv = [sys.executable, "-m", "unionfed", *self.argv, "--host", "127.0.0.1", "--port", str(self.port)]
        self.process = subprocess.Popen(argv, env={**os.environ, **self.environment}, stderr=subprocess.DEVNULL)
        wait_until_healthy(self.process, self.url, name=" ".join(self.argv), timeout=timeout)

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as a crash."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        """SIGINT, then wait; SIGKILL if it does not stop."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def node_environment(
    tenants: Mapping[str, tuple[str, str]], exchange: Service, node_id: str, key: PeerKey
) -> dict[str, str]:
    """The environment of a node process serving ``tenants`` (province -> (profile, database URL)) with the
    test keys, linked to the ``exchange`` process as peer ``node_id``."""
    environment = {
        "UNIONFED_TENANTS": ",".join(f"{province}:{profile}" for province, (profile, _) in tenants.items()),
        "UNIONFED_NATIONAL_KEY": NATIONAL_SECRET.hex(),
        "UNIONFED_NODE_SECRET": NODE_SECRET.hex(),
        "UNIONFED_EXCHANGE_URL": exchange.url,
        "UNIONFED_NODE_ID": node_id,
        "UNIONFED_NODE_KEY": json.dumps(key.private_jwk()),
    }
    environment |= {f"UNIONFED_DATABASE_URL_{province}": url for province, (_, url) in tenants.items()}
    return environment


def applied_events(exchange: Service, province: str) -> float:
    """How many events of ``province`` the exchange process has applied since it started (its metrics)."""
    metrics = httpx.get(f"{exchange.url}/metrics", timeout=5).text
    line = f'unionfed_exchange_events_applied_total{{province="{province}"}} '
    return sum(float(row[len(line) :]) for row in metrics.splitlines() if row.startswith(line))
