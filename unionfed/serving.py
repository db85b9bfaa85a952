"""Serving one of the services' ASGI apps with uvicorn, the same way for the node, the exchange and the gateway.

The app is built first and everything alive then (modules, schemas, code lists, settings) is moved out of the
garbage collector's reach with ``gc.freeze()``: those objects live as long as the process, and without the freeze
every full collection walks them again in the middle of some request. Measured in bench/gateway.py (national
statistics over 31 provinces): p95 175–196 ms frozen against 238–303 ms not, in alternating runs.

The collector then runs less often than Python's default (``COLLECTION_THRESHOLDS``). A request leaves nothing in
reference cycles (``unionfed.graphql_execution``), so collections found almost nothing to free, yet under national
statistics load a node process ran about 50 young collections a second and a full one every two seconds, 20-25 ms
of CPU each, stalling whatever it was serving: in all 0.8 s of collector CPU per node process over 300 national
requests (31 provinces, two node processes), about 6 % of the nodes' CPU, and 0.35 s in the gateway. With these
thresholds the same 300 requests ran no collection in the nodes and one in the gateway (8 ms).

uvicorn serves with uvloop and httptools (its C event loop and HTTP parser, dependencies of unionfed): in
alternating runs of the same bench, national statistics over 31 provinces p50 218 ms against 258 ms with
asyncio and h11 (means of four runs each, p95 305 against 362 ms).
"""

from __future__ import annotations

import gc

import uvicorn
from starlette.types import ASGIApp

# Python's default is (700, 10, 10): a young collection every 700 more allocations than deallocations of tracked
# objects, a middle one every 10 young ones, a full one every 10 middle ones.
COLLECTION_THRESHOLDS = (20_000, 20, 100)


def serve_app(app: ASGIApp, *, host: str, port: int) -> None:
    """Run ``app`` on ``host``:``port`` until interrupted."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTION_THRESHOLDS)
    uvicorn.run(app, host=host, port=port, log_level="info")
