"""Refresh the README's generated blocks from the shipped model: `python -m training.readme_tables`.

The seed-article table is the real output of `stance classify --format table`; the metrics table
comes from the model folder's `metrics.json`.
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


def replace_block(text: str, name: str, content: str) -> str:
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n{content}\n{end}{tail}"


def main() -> int:
    text = README.read_text(encoding="utf-8")
    text = replace_block(text, "seed", seed_table())
    text = replace_block(text, "metrics", metrics_block())
    with atomic_file(README) as handle:
        handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
