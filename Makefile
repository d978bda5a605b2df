.PHONY: run test lint check bench

# Start the system: install, migrate, load the demo, run web + Celery worker + beat.
run:
	bash scripts/run.sh

# Run the whole test suite (browser and PDF tests included).
test:
	bash scripts/test.sh

# Lint and type-check.
lint:
	bash -c 'source scripts/bootstrap.sh && ruff check . && ruff format --check . && mypy .'

# Everything CI runs (needs PostgreSQL and Redis on this machine).
check:
	bash .ci/run
