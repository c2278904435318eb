# Wegweiser: every target does the set-up it needs first, so `make run` and `make test` work on a fresh
# machine. Virtualenvs live in .venv/, built artefacts in .build/, the trained model in models/.
SHELL := /bin/bash
.DEFAULT_GOAL := help

RASA_VENV := .venv/rasa
BOT_VENV  := .venv/bot
RASA_PY   := $(RASA_VENV)/bin/python
BOT_PY    := $(BOT_VENV)/bin/python
RASA      := $(RASA_VENV)/bin/rasa
MODEL     := models/wegweiser.tar.gz
SPACY_DIR := .build/spacy
export TF_CPP_MIN_LOG_LEVEL := 2

TRAINING_INPUTS := config.yml $(shell find domain data components -type f \( -name '*.yml' -o -name '*.py' \) 2>/dev/null) $(SPACY_DIR)/.stamp

.PHONY: help setup lint train validate test test-unit test-stories test-nlu serve run bench clean new-faq evaluate reload rollback review report handbook bench-report sample bench-load bench-languages
help:
	@echo "make run    - chat with the assistant (terminal, or Telegram when TELEGRAM_TOKEN is set)"
	@echo "make serve  - Rasa on 127.0.0.1:5005 (REST channel) + action server on 127.0.0.1:5055"
	@echo "make test   - lint, then all tests (data validation, unit and REST tests, test stories, held-out NLU)"
	@echo "make lint   - ruff and mypy (settings in pyproject.toml)"
	@echo "make train  - retrain when the training data changed"
	@echo "make validate - check training data, responses and programme data"
	@echo "make bench  - NLU accuracy vs baselines, training, load, memory, REST and gateway latency (1 h 40 min-2 h 10 min on 2 idle cores, mostly the rasa init baseline; RASA_INIT_EPOCHS=20 make bench: ~30 min)"
	@echo "make bench-languages - what the languages cost: training, model size, memory, parse latency (~3 min); ROOT=<checkout> LABEL=before, BEFORE=<json> compares (20 % bound)"
	@echo "make bench-load - throughput under load only: default and scale-out settings vs a rasa init bot (~10 min; needs PostgreSQL and Redis on 127.0.0.1)"
	@echo "make new-faq NAME=topic [GROUP=money] - scaffold a new FAQ (examples + answers, all languages)"
	@echo "make evaluate - held-out report (results/evaluation/report.md), compared with the previous model"
	@echo "make reload / make rollback - put the trained / the previous model into the running server"
	@echo "make review - questions the assistant did not understand, grouped by similarity"
	@echo "make report - anonymous needs report (results/report/report.html + CSV); FROM=, TO=, REPORT_LANG=en, K="
	@echo "make handbook - the knowledge base as a printable handbook per language (results/handbook/)"
	@echo "make sample - sample report and handbook from a generated demo store (results/sample/)"
	@echo "make bench-report - the report's build time on 100,000 generated conversations"

$(RASA_VENV)/.stamp: requirements/rasa.lock.txt scripts/find-python310.sh
	rm -rf $(RASA_VENV)
	"$$(scripts/find-python310.sh)" -m venv $(RASA_VENV)
	$(RASA_PY) -m pip install -q --upgrade "pip<25" "setuptools<70" wheel
	$(RASA_PY) -m pip install -q -r requirements/rasa.lock.txt
	touch $@

$(BOT_VENV)/.stamp: requirements/bot.lock.txt scripts/find-python-bot.sh
	rm -rf $(BOT_VENV)
	"$$(scripts/find-python-bot.sh)" -m venv $(BOT_VENV)
	$(BOT_PY) -m pip install -q --upgrade pip
	$(BOT_PY) -m pip install -q -r requirements/bot.lock.txt
	touch $@

$(SPACY_DIR)/.stamp: $(RASA_VENV)/.stamp scripts/build_spacy.py content/languages.yml
	$(RASA_PY) scripts/build_spacy.py --out $(SPACY_DIR)
	touch $@

# The project itself, editable (pyproject.toml), in both virtualenvs: scripts, tests and servers import
# wegweiser, bot, actions, components, scripts, bench and tests from this checkout with no PYTHONPATH.
%/.editable: %/.stamp pyproject.toml
	$*/bin/python -m pip install -q --no-deps -e .
	touch $@

setup: $(RASA_VENV)/.editable $(BOT_VENV)/.editable $(SPACY_DIR)/.stamp

# ruff over the whole tree; mypy over the code the gateway's virtualenv can import (see pyproject.toml).
lint: $(BOT_VENV)/.editable
	$(BOT_VENV)/bin/ruff check .
	$(BOT_PY) -m mypy

# Retrains only when the model is missing or older than its training inputs. Answers' wording and
# programme data (content/) are read at run time and need no retraining.
# --skip-validation: Rasa's checks of domain and data run in `make validate` (and `make test`), stricter
# (--fail-on-warnings); repeating them here took a sixth of the training's CPU (docs/measurements/new-languages.md)
$(MODEL): $(TRAINING_INPUTS) $(RASA_VENV)/.stamp
	$(RASA) train --domain domain --data data --config config.yml --out models \
	  --fixed-model-name wegweiser --quiet --skip-validation
	touch $@

train: $(MODEL)

# Rasa's data validation and the content checks, each problem as file:line (scripts/validate.py).
validate: setup
	$(RASA_PY) scripts/validate.py

new-faq: $(RASA_VENV)/.stamp
	@test -n "$(NAME)" || { echo "usage: make new-faq NAME=topic_name [GROUP=<file in data/nlu/faq>]"; exit 2; }
	$(RASA_PY) scripts/new_faq.py "$(NAME)" $(if $(GROUP),--group "$(GROUP)")

# CV=1 adds 3-fold cross-validation; EVAL_MAX_DROP (points, default 1) is the allowed drop per language.
evaluate: setup $(MODEL)
	$(RASA_PY) scripts/evaluate.py

reload: setup $(MODEL)
	$(RASA_PY) scripts/reload.py reload

rollback: $(RASA_VENV)/.stamp
	$(RASA_PY) scripts/reload.py rollback

review: $(RASA_VENV)/.stamp
	$(RASA_PY) scripts/review.py

# The anonymous needs report (docs/report.md): FROM/TO=YYYY-MM-DD, REPORT_LANG=de|en, K (default 5).
report: $(RASA_VENV)/.stamp
	$(RASA_PY) scripts/report.py $(if $(FROM),--from $(FROM)) $(if $(TO),--to $(TO)) $(if $(REPORT_LANG),--lang $(REPORT_LANG)) $(if $(K),--k $(K))

handbook: $(RASA_VENV)/.stamp
	$(RASA_PY) scripts/handbook.py

# A demo store of 2,000 invented conversations, the report built from it, and the handbook (docs/report.md).
sample: $(RASA_VENV)/.stamp
	$(RASA_PY) bench/demo_store.py --conversations 2000 --tracker sqlite:///$(CURDIR)/results/sample/demo/tracker.db \
	  --desk sqlite:///$(CURDIR)/results/sample/demo/gateway.db
	$(RASA_PY) scripts/report.py --tracker sqlite:///$(CURDIR)/results/sample/demo/tracker.db \
	  --desk sqlite:///$(CURDIR)/results/sample/demo/gateway.db --out results/sample/report
	TELEGRAM_BOT_USERNAME=$${TELEGRAM_BOT_USERNAME:-WegweiserDemoBot} $(RASA_PY) scripts/handbook.py --out results/sample/handbook

bench-report: $(RASA_VENV)/.stamp
	$(RASA_PY) bench/report_time.py --save

test: setup lint $(MODEL)
	bash scripts/test.sh

serve: setup $(MODEL)
	$(RASA_PY) scripts/launch.py serve

run: setup $(MODEL)
	$(RASA_PY) scripts/launch.py run

bench: setup $(MODEL)
	$(RASA_PY) bench/run.py

# training time, model size, memory and parse latency of a checkout (issue 21: ten languages vs six)
bench-languages: setup
	$(RASA_PY) bench/languages.py $(if $(ROOT),--root $(ROOT)) $(if $(LABEL),--label $(LABEL)) $(if $(BEFORE),--before $(BEFORE))

# the load part of make bench alone (~10 min): this project default / scale-out vs a rasa init bot
bench-load: setup $(MODEL)
	$(RASA_PY) bench/load.py

clean:
	rm -rf .venv .build models results .data
