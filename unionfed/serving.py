"""Serving one of the services' ASGI apps with uvicorn, the same way for the node, the exchange and the gateway.

The app is built first and everything alive then (modules, schemas, code lists, settings) is moved out of the
garbage collector's reach with ``gc.freeze()``: those objects live as long as the process, and without the freeze
every full collection walks them again in the middle of some request. Measured in bench/gateway.py (national
statistics over 31 provinces): p95 175–196 ms frozen against 238–303 ms not, in alternating runs.

The collector also runs less often than Python's default (``COLLECTION_THRESHOLDS``). Measured before this and
before requests stopped leaving their objects in reference cycles (``unionfed.graphql_execution``), under national
statistics load (31 provinces, two node processes, 300 national requests): each node process ran about 50 young
collections a second, under a millisecond each, and a full one every two seconds, 20-25 ms of CPU each with every
request in flight waiting; 0.8 s of collector CPU per node process in all (about 6 % of the nodes' CPU) and 0.35 s
in the gateway. After both, the same 300 requests ran no collection in the node processes and one (8 ms) in the
gateway. The national p95 moved less than the shared machine's own swings (bench/README.md, Gateway). Garbage that
does form cycles (a failed request's traceback) waits longer for a collection, counted in objects, not bytes.

A young collection is due when allocations minus deallocations of tracked objects pass the first threshold, and
it walks every young object still alive. The exchange's events request of 5,000 events holds some 60,000 such
objects while it is read and decided (parsed JSON, events, rows), so at 20,000 it ran three young collections in
the middle of each request, 3.5 ms each over live objects that all survive. At 200,000 a request's objects are
freed before a collection is due. Measured in bench/exchange_sync.py (2026-11-24, ``gc.callbacks`` timing every
collection in the exchange process): 1.49 and 1.52 s of 23.7 s of CPU in collections at 20,000, 0.08 s at
200,000; the exchange's CPU per event 34.4 → 31.3 µs. The node and the gateway take the same thresholds (one way to
serve); they were measured at the earlier, lower ones and not again at 200,000. A higher threshold only makes young
collections rarer; what it delays is freeing garbage in cycles, which their requests no longer leave.

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
COLLECTION_THRESHOLDS = (200_000, 20, 100)


def serve_app(app: ASGIApp, *, host: str, port: int) -> None:
    """Run ``app`` on ``host``:``port`` until interrupted."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTION_THRESHOLDS)
    uvicorn.run(app, host=host, port=port, log_level="info")
