"""Synthetic 政府信息公开工作年度报告 with exact labels: the model's training source and the pipeline's widest test.

``generate(n, seed)`` returns ``SynthReport``s (text, gold spans, gold tables in the contract's
format, the messiness kinds applied); ``KINDS`` names every messiness transform. See docs/synth.md.
"""
from .generator import SynthReport, generate, iter_reports, make_report
from .transforms import DEFAULT_RATES, KINDS

__all__ = ["DEFAULT_RATES", "KINDS", "SynthReport", "generate", "iter_reports", "make_report"]
