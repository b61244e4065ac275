"""Layering and import hygiene: extraction never imports training or service, no import cycles,
and extracting with the model loads neither torch nor transformers."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LAYERS = ("extraction", "training", "service")


def _modules() -> dict[str, Path]:
    """Every module of the namespace: dotted name (govreport.<layer>...) -> file."""
    out = {"govreport": REPO / "govreport" / "__init__.py"}
    for layer in LAYERS:
        for f in (REPO / layer).rglob("*.py"):
            parts = f.relative_to(REPO).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out["govreport." + ".".join(parts)] = f
    return out


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of the namespace that ``name`` imports anywhere (top level or inside functions).
    ``from pkg import x`` counts as importing ``pkg.x`` when that is a module, else ``pkg``."""
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            targets = [f"{mod}.{a.name}" if f"{mod}.{a.name}" in known else mod for a in node.names]
        else:
            continue
        for t in targets:
            while t and t not in known and "." in t:
                t = t.rpartition(".")[0]
            if t in known and t != name:
                out.add(t)
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    known = set(mods)
    return {m: _imports(m, p, known) for m, p in mods.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    sys.setrecursionlimit(10000)

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    """Function-level imports count: a cycle hidden in a function is still a cycle. A package's
    ``__init__`` importing its own submodules is not one (the submodules never import it back)."""
    graph = _graph()
    assert _cycles(graph) == []


def test_extraction_never_imports_training_or_service():
    graph = _graph()
    bad = {
        m: sorted(t for t in targets if t.startswith(("govreport.training", "govreport.service")))
        for m, targets in graph.items()
        if m.startswith("govreport.extraction")
    }
    assert {m: t for m, t in bad.items() if t} == {}
    # training builds on extraction's model code, not the other way round
    assert "govreport.extraction.model.predictor" in graph["govreport.training.modeling"]


_BLOCKED_IMPORT = r"""
import importlib, importlib.abc, json, pkgutil, sys
BLOCKED = ("govreport.training", "govreport.service", "torch", "transformers", "datasets", "seqeval", "label_studio_sdk", "ray")
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.startswith(BLOCKED):
            raise ImportError(f"blocked: {name}")
sys.meta_path.insert(0, Block())
import govreport.extraction as ex
names = []
for m in pkgutil.walk_packages(ex.__path__, "govreport.extraction."):
    if m.name.endswith("torch_runtime"):
        continue  # the debugging runtime: imports torch inside functions only, checked below
    importlib.import_module(m.name)
    names.append(m.name)
importlib.import_module("govreport.extraction.model.torch_runtime")
print(json.dumps(names))
"""


def test_every_extraction_module_imports_without_training_service_or_torch():
    r = subprocess.run([sys.executable, "-c", _BLOCKED_IMPORT], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    names = json.loads(r.stdout)
    assert "govreport.extraction.model.predictor" in names and "govreport.extraction.taggers.model" in names


_EXTRACT_WITH_MODEL = r"""
import json, sys
import govreport
res = govreport.extract(sys.argv[1], tagger="model")
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"torch", "transformers", "datasets", "seqeval", "sklearn", "scipy", "spacy"})
print(json.dumps({"tagger": res.output["tagger"], "runtime": res.document and govreport._extractors["model"].tagger.predictor.runtime, "heavy": heavy}))
"""


def test_extraction_with_the_model_imports_no_torch():
    r = subprocess.run(
        [sys.executable, "-c", _EXTRACT_WITH_MODEL, str(REPO / "examples" / "report_2020.txt")],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["tagger"]["name"] == "model" and out["runtime"] == "onnx"
    assert out["heavy"] == []


@pytest.mark.parametrize("args", [["--help"], ["extract", "--help"]])
def test_cli_help_imports_nothing_heavy(args):
    code = (
        "import sys\nfrom govreport.service.cli import main\n"
        "try:\n    main(%r)\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'transformers', 'onnxruntime', 'fastapi', 'uvicorn', 'datasets', 'pyarrow', 'spacy', 'ray'}))"
    ) % (args,)
    r = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.strip().splitlines()[-1] == "[]"
