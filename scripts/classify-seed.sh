#!/usr/bin/env bash
# The main job: install stance, then classify the seed article with the shipped model.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
stance classify seeds/putin-li-2023-04-17.txt --format table
