# Two commands do all the set-up: `make run` (server + demo influencer + widget) and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
ARTIFACTS ?= artifacts
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install browser lint bench bench-faults eval-model clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/influencer-os serve --demo --host $(HOST) --port $(PORT)

# Headless Chromium for the widget's browser tests, from Debian's packages (never downloaded by a tool).
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	  { (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-color-emoji >/dev/null) || \
	    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-color-emoji >/dev/null); }

test: install browser
	mkdir -p $(ARTIFACTS)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	REQUIRE_BROWSER=1 $(BIN)/python -m pytest tests
	@# The eval gate runs on its own embedded servers (unless DATABASE_URL/REDIS_URL are set), never on yours.
	@home=$$(mktemp -d /tmp/ios-evals-XXXXXX); status=0; \
	INFLUENCER_OS_HOME=$$home $(BIN)/influencer-os eval run evals/suites/*.yaml --min-pass-rate 1.0 \
	  --json $(ARTIFACTS)/eval-report.json --html $(ARTIFACTS)/eval-report.html --failures-only || status=$$?; \
	INFLUENCER_OS_HOME=$$home $(BIN)/influencer-os services stop >/dev/null 2>&1; rm -rf $$home; exit $$status
	@# The fault suite's short version (120 deliveries; `make bench-faults` runs 1,000): lost 0, doubled 0.
	@home=$$(mktemp -d /tmp/ios-faults-XXXXXX); status=0; \
	INFLUENCER_OS_HOME=$$home ARTIFACTS=$(ARTIFACTS) $(BIN)/influencer-os bench faults --short \
	  --json $(ARTIFACTS)/bench-faults.json || status=$$?; \
	INFLUENCER_OS_HOME=$$home $(BIN)/influencer-os services stop >/dev/null 2>&1; rm -rf $$home; exit $$status

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	$(BIN)/influencer-os bench --json $(ARTIFACTS)/bench.json

# 1,000 WhatsApp deliveries from 50 senders under killed workers, Redis and PostgreSQL restarts, Twilio errors.
bench-faults: install
	@home=$$(mktemp -d /tmp/ios-faults-XXXXXX); status=0; \
	INFLUENCER_OS_HOME=$$home $(BIN)/influencer-os bench faults --json $(ARTIFACTS)/bench-faults.json || status=$$?; \
	INFLUENCER_OS_HOME=$$home $(BIN)/influencer-os services stop >/dev/null 2>&1; rm -rf $$home; exit $$status

# The suites against a real local model server, next to the offline engine (llama-cpp-python's server and
# Gemma 3 270M, both from PyPI; the server's wheel is built once, about 5 minutes, and cached).
# SUITES="evals/suites/a.yaml ..." picks others (default: maya-demo; every suite takes hours on 2 cores).
eval-model: install
	$(BIN)/python -m evals.eval_model $(SUITES) --json $(ARTIFACTS)/eval-model.json

clean:
	rm -rf $(VENV) $(ARTIFACTS)
