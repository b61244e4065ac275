"""What marks a folder as a ``govreport batch`` output: its lock file, which every batch run
creates first and never removes. ``govreport extract -o`` does not write into such a folder: its
``results.jsonl`` replaced the batch's own (a batch running meanwhile then appended to a file no
longer there and summarised extract's records, and failed with a traceback), and a report named
``summary``, ``manifest`` or ``cells`` would replace the batch's summary, manifest or cells."""

from __future__ import annotations

from pathlib import Path

LOCK = ".batch.lock"


def is_batch_output(out_dir: Path) -> bool:
    """True when ``out_dir`` holds a ``govreport batch`` run's output (or one is starting there)."""
    return (out_dir / LOCK).exists()


def batch_output_message(out_dir: Path) -> str:
    """Why ``extract`` does not write into ``out_dir`` (``is_batch_output``), and what to do instead."""
    return (
        f"-o {out_dir} holds the output of a govreport batch run ({LOCK}): extract would replace or mix "
        "with its results.jsonl, manifest.json, summary.json and cells; write to another -o folder "
        "(or run govreport batch on it)"
    )
