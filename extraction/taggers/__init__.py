"""Taggers label a Document's text with spans; the assembly never asks which one did it."""
from .base import Tagger, get_tagger

__all__ = ["Tagger", "get_tagger"]
