"""Memory and start-up: peak RSS of classifying the workload, `import stance` time, cold CLI time.

    python benchmarks/startup.py            # table
    python benchmarks/startup.py --json out.json

Every measurement runs in a fresh Python process (the OS file cache is warm: the model file has been
read before, as on any machine that has run stance once):

  import      ``import stance`` timed inside a fresh interpreter (interpreter start-up excluded),
              ``--repeats`` times; also checks that it imports neither torch nor transformers.
  peak RSS    a child process loads the shipped model, classifies the workload (test split repeated
              ``--copies`` times, as in throughput.py) and reports ``resource.getrusage(RUSAGE_SELF).ru_maxrss``;
              the RSS right after loading the model is reported too.
  cold CLI    wall time of ``stance classify seeds/putin-li-2023-04-17.txt`` (the installed console
              script, as a user types it; pyenv shims included) and of ``python -m stance classify ...``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = "seeds/putin-li-2023-04-17.txt"

IMPORT_CODE = """
import sys, time
t = time.perf_counter()
import stance
elapsed = time.perf_counter() - t
print(elapsed, any(m in sys.modules for m in ('torch', 'transformers')))
"""

RSS_CODE = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
import stance
texts = [json.loads(line)["text"] for line in open({split!r}, encoding="utf-8") if line.strip()] * {copies}
stance._default_classifier()
loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t = time.perf_counter()
results = stance.classify(texts)
print(json.dumps({{"after_load_kb": loaded, "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   "articles": len(texts), "statements": sum(map(len, results)), "seconds": time.perf_counter() - t}}))
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def import_times(repeats: int) -> tuple[dict[str, float], bool]:
    times, heavy = [], False
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", IMPORT_CODE], cwd=ROOT, env=_env(), capture_output=True, text=True, check=True)
        seconds, loaded = out.stdout.split()
        times.append(float(seconds))
        heavy |= loaded == "True"
    return summary(times), heavy


def peak_rss(copies: int) -> dict[str, Any]:
    code = RSS_CODE.format(root=str(ROOT), split=str(ROOT / "training" / "data" / "test.jsonl"), copies=copies)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(), capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def cli_times(command: list[str], repeats: int) -> dict[str, Any]:
    times, statements = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        out = subprocess.run(command, cwd=ROOT, env=_env(), capture_output=True, text=True)
        times.append(time.perf_counter() - started)
        if out.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({out.returncode}): {out.stderr[-2000:]}")
        statements = sum(len(json.loads(line).get("statements", [])) for line in out.stdout.splitlines() if line.strip())
    return {**summary(times), "command": " ".join(command), "statements": statements}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="fresh processes per timing (default 7)")
    parser.add_argument("--cli-repeats", type=int, default=5)
    parser.add_argument("--copies", type=int, default=3, help="copies of the test split classified for peak RSS (default 3)")
    parser.add_argument("--json", help="also write the results as JSON here")
    args = parser.parse_args(argv)

    imports, heavy = import_times(args.repeats)
    rss = peak_rss(args.copies)
    script = shutil.which("stance")
    cli = {}
    if script:
        cli["stance classify"] = cli_times([script, "classify", SEED], args.cli_repeats)
    cli["python -m stance classify"] = cli_times([sys.executable, "-m", "stance", "classify", SEED], args.cli_repeats)
    results = {"import": imports, "import_loads_torch": heavy, "rss": rss, "cli": cli}

    mb = 1024.0  # ru_maxrss is in KiB on Linux
    lines = [
        "| measurement | median (min-max) | n |",
        "|---|---|---|",
        f"| `import stance` (s; loads torch/transformers: {heavy}) | {imports['median']:.3f} ({imports['min']:.3f}-{imports['max']:.3f}) | {imports['n']} |",
        f"| peak RSS classifying {rss['articles']} articles ({rss['statements']} statements) | {rss['peak_kb'] / mb:.0f} MiB | 1 |",
        f"| RSS after loading the model | {rss['after_load_kb'] / mb:.0f} MiB | 1 |",
    ]
    for name, c in cli.items():
        lines.append(f"| cold `{name} {SEED}` (s, {c['statements']} statements) | {c['median']:.2f} ({c['min']:.2f}-{c['max']:.2f}) | {c['n']} |")
    print("\n".join(lines))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
