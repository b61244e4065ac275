"""The tagger interface: ``Document -> Document`` with spans added."""
from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from ..document import Document


@runtime_checkable
class Tagger(Protocol):
    name: str  # "rules" | "model"
    version: str  # rule-set version or model version from the registry

    def __call__(self, doc: Document) -> Document: ...


def get_tagger(kind: str = "auto", model: str | None = None, **model_options: Any) -> Tagger:
    """``rules``; ``model`` (the active registry model, or ``model`` = a version or a directory);
    ``auto``: the model when one is available, else the rules. ``model_options`` go to
    ``ModelTagger.load`` (``num_threads``, ``precision``, ``runtime``, ``models_dir``)."""
    from .rules import RuleTagger

    if kind == "rules":
        return RuleTagger()
    if kind in ("model", "auto"):
        try:
            from .model import ModelTagger

            return ModelTagger.load(model, **model_options)
        except (ImportError, FileNotFoundError, ModuleNotFoundError) as exc:
            if kind == "model" or model is not None:  # a model asked for by name must load
                raise
            import logging

            logging.getLogger(__name__).warning("no model available (%s); using the rule tagger", exc)
            return RuleTagger()
    raise ValueError(f"unknown tagger {kind!r} (rules | model | auto)")
