.PHONY: install run test migrations-check lint bench

install:
	scripts/bootstrap

run:
	scripts/run

test:
	scripts/test

migrations-check: install
	.venv/bin/python manage.py makemigrations --check --dry-run

lint: install
	.venv/bin/ruff check .

bench: install
	scripts/bench
