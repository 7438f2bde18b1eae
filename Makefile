.PHONY: install run test migrations-check lint bench fuzz

install:
	scripts/bootstrap

run:
	scripts/run

test:
	scripts/test

migrations-check: install
	TESTING=1 .venv/bin/python manage.py makemigrations --check --dry-run

lint: install
	.venv/bin/ruff check .

bench: install
	scripts/bench

# The long robustness run of the API (issue 7): schemathesis with every check, a fixed seed,
# more examples than CI, a reader per role.
fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-100} scripts/test tests/test_api_schema.py -k fuzz -p no:cacheprovider
