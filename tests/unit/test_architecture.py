"""The architecture as tests: dependencies point inward and each package's public surface is complete."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import exchange.service
import exchange.standard

REPO = Path(__file__).resolve().parents[2]


def imported_modules(folder: Path) -> dict[Path, set[str]]:
    imports: dict[Path, set[str]] = {}
    for path in folder.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        imports[path] = names
    return imports


def test_the_standard_imports_only_the_python_standard_library_and_itself() -> None:
    # refresh.py is the maintenance script that regenerates data files from their sources.
    for path, names in imported_modules(REPO / "exchange" / "standard").items():
        if path.name == "refresh.py":
            continue
        for name in names:
            top = name.split(".")[0]
            assert top in sys.stdlib_module_names or name.startswith("exchange.standard"), (path, name)


def test_services_talk_over_http_not_by_importing_each_other() -> None:
    forbidden = {"province_node": {"gateway"}, "gateway": {"province_node"}}
    for package, others in forbidden.items():
        for path, names in imported_modules(REPO / package).items():
            assert not {name.split(".")[0] for name in names} & others, path


def test_nodes_and_the_gateway_use_the_exchange_standard_and_protocol_but_never_its_service() -> None:
    for package in ("province_node", "gateway"):
        for path, names in imported_modules(REPO / package).items():
            assert not any(name == "exchange.service" or name.startswith("exchange.service.") for name in names), path
            assert all(name.split(".")[:2] in (["exchange", "standard"], ["exchange", "protocol"]) for name in names
                       if name.split(".")[0] == "exchange" and name != "exchange"), path  # fmt: skip


def test_the_exchange_protocol_does_not_import_the_exchange_service() -> None:
    for path, names in imported_modules(REPO / "exchange" / "protocol").items():
        assert not any(name.startswith("exchange.service") for name in names), path


def test_the_exchange_rules_import_no_web_or_database_library() -> None:
    forbidden = {"starlette", "sqlalchemy", "psycopg", "psycopg_pool", "alembic", "httpx"}
    for path, names in imported_modules(REPO / "exchange" / "service" / "domain").items():
        assert not {name.split(".")[0] for name in names} & forbidden, path
        assert all(
            name.startswith(("exchange.service.domain", "exchange.standard"))
            for name in names
            if name.startswith("exchange")
        ), path


def test_the_exchange_service_public_surface_lists_everything_it_exports() -> None:
    public = {name for name in vars(exchange.service) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(exchange.service, name)).__name__ == "module"}
    assert set(exchange.service.__all__) == public - modules


def test_the_standard_public_surface_lists_everything_it_exports() -> None:
    public = {name for name in vars(exchange.standard) if not name.startswith("_")}
    modules = {name for name in public if type(getattr(exchange.standard, name)).__name__ == "module"}
    assert set(exchange.standard.__all__) == public - modules
