#!/usr/bin/env bash
# Everything `make test` runs, after the set-up the Makefile did. Each step says what it checks.
set -euo pipefail
cd "$(dirname "$0")/.."
RASA=.venv/rasa/bin/rasa
export TF_CPP_MIN_LOG_LEVEL=2

echo "== 1/5 rasa data validate --fail-on-warnings"
$RASA data validate --domain domain --data data --config config.yml --fail-on-warnings

echo "== 2/5 content checks (programme data schema, languages, placeholders)"
.venv/rasa/bin/python -m wegweiser.maintenance.checks

echo "== 3/5 test stories (tests/stories/) with --fail-on-prediction-errors"
$RASA test core --model models/wegweiser.tar.gz --stories tests/stories --e2e --fail-on-prediction-errors \
  --out results/stories --no-plot

echo "== 4/5 pytest: gateway side (bot/)"
.venv/bot/bin/python -m pytest tests/bot tests/fakes -q

echo "== 5/5 pytest: Rasa side (content, actions, components, REST end-to-end, held-out NLU)"
.venv/rasa/bin/python -m pytest tests -q --ignore=tests/bot --ignore=tests/fakes
