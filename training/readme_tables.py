"""Refresh the generated blocks from the shipped model: `python -m training.readme_tables`.

README: the seed-article table is the real output of `stance classify --format table`; the metrics
table comes from the model folder's `metrics.json`. Model card: the behavioural (CheckList) pass
rates come from `training/checklist/results.json` (`python -m training.checklist --json ...`).
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from stance.io import atomic_file

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
MODEL = ROOT / "models" / "stance-minilm"
SEED = ROOT / "seeds" / "putin-li-2023-04-17.txt"
CHECKLIST = ROOT / "training" / "checklist" / "results.json"


def seed_table(model: Path = MODEL) -> str:
    from stance.cli import main

    out = io.StringIO()
    if main(["classify", str(SEED.relative_to(ROOT)), "--format", "table", "--model", str(model), "--device", "cpu"], stdout=out) != 0:
        raise RuntimeError("stance classify failed on the seed article")
    return "```text\n$ stance classify seeds/putin-li-2023-04-17.txt --format table\n" + out.getvalue() + "```"


def metrics_block(model: Path = MODEL) -> str:
    from training.model_card import metrics_table

    metrics = json.loads((model / "metrics.json").read_text(encoding="utf-8"))
    return "\n".join(metrics_table(metrics["evaluation"]))


def checklist_block(results_path: Path = CHECKLIST) -> str:
    from training.checklist import markdown_table

    results = json.loads(results_path.read_text(encoding="utf-8"))
    return "\n".join([
        "## Behavioural tests (CheckList)",
        "",
        f"{results['total']['n']} cases written for this suite (`{results['cases_file']}`, none from the training data), run by",
        f"`python -m training.checklist --model {results['model']}`. End to end: `classify(text)` must find the pair with the",
        "expected stance (for invariance tests: the same result on both texts). Stance only: pair mode, speaker and",
        "counterparty given. A capability below its target is a known weakness.",
        "",
        markdown_table(results).rstrip("\n"),
        "",
    ])


def replace_block(text: str, name: str, content: str, before: str = "") -> str:
    """Replace the marked block; add it (before the heading ``before``, else at the end) when missing."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    if start not in text:
        block = f"{start}\n{end}\n\n"
        text = text.replace(before, block + before, 1) if before and before in text else text.rstrip("\n") + "\n\n" + block
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{content}\n{end}{tail}"


def main() -> int:
    text = README.read_text(encoding="utf-8")
    text = replace_block(text, "seed", seed_table())
    text = replace_block(text, "metrics", metrics_block())
    with atomic_file(README) as handle:
        handle.write(text)
    card = MODEL / "README.md"
    text = replace_block(card.read_text(encoding="utf-8"), "checklist", checklist_block(), before="## Limitations")
    with atomic_file(card) as handle:
        handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
