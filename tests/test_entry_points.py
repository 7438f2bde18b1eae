"""A newcomer's entry points (issue 15): without DEBUG=1 or SECRET_KEY every way in stops with
one clear message; DEBUG=1 keeps a generated key of the checkout's own in .env; a bare
`pytest` sets the test mode itself."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MESSAGE = "SECRET_KEY is not set"


def newcomer_env(tmp_path: Path, **extra: str) -> dict:
    """A fresh shell: none of the portal's variables, and a .env of the test's own (so a
    developer's .env cannot hide a missing key)."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    return {**env, "ENV_FILE": str(tmp_path / ".env"), **extra}


def run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return run([sys.executable, "manage.py", *args], env)


@pytest.mark.parametrize("command", [["check"], ["makemigrations", "--check", "--dry-run"]])
def test_code_only_commands_run_without_a_key_and_generate_none(tmp_path, command):
    result = manage(*command, env=newcomer_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / ".env").exists()  # not development mode: no key kept


def test_manage_py_without_debug_or_secret_key_stops_with_one_line(tmp_path):
    result = manage("migrate", env=newcomer_env(tmp_path))
    assert result.returncode != 0
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr  # the message, not a traceback
    assert lines[0].startswith(f"manage.py: {MESSAGE}")
    assert "DEBUG=1" in lines[0]
    assert not (tmp_path / ".env").exists()  # nothing generated outside development mode


@pytest.mark.parametrize("entry_point", [
    pytest.param([sys.executable, "-c", "import sote_portal.wsgi"], id="wsgi"),
    pytest.param([sys.executable, "-m", "celery", "-A", "sote_portal", "report"], id="celery"),
])
def test_servers_without_debug_or_secret_key_stop_with_the_message(tmp_path, entry_point):
    result = run(entry_point, newcomer_env(tmp_path))
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert MESSAGE in last and "DEBUG=1" in last, result.stderr


SHOW_KEY = ["shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"]


def test_debug_generates_a_key_for_the_checkout_once_and_reuses_it(tmp_path):
    env_file = tmp_path / ".env"
    env = newcomer_env(tmp_path, DEBUG="1")

    first = manage(*SHOW_KEY, env=env)
    assert first.returncode == 0, first.stderr
    name, key = env_file.read_text().strip().split("=", 1)
    assert name == "DEVELOPMENT_SECRET_KEY"
    assert len(key) >= 50 and first.stdout.strip() == key
    assert env_file.stat().st_mode & 0o777 == 0o600  # readable by its owner only

    second = manage(*SHOW_KEY, env=env)
    assert second.stdout.strip() == key
    assert env_file.read_text() == f"DEVELOPMENT_SECRET_KEY={key}\n"  # reused, not added again


def test_the_generated_key_goes_below_the_developers_own_lines(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("EMAIL_HOST=mail.example.fi")  # no newline at the end
    result = manage(*SHOW_KEY, env=newcomer_env(tmp_path, DEBUG="1"))
    assert result.returncode == 0, result.stderr
    lines = env_file.read_text().splitlines()
    assert lines[0] == "EMAIL_HOST=mail.example.fi"
    assert lines[1] == f"DEVELOPMENT_SECRET_KEY={result.stdout.strip()}"


def test_the_development_key_is_not_a_deployment_key(tmp_path):
    (tmp_path / ".env").write_text("DEVELOPMENT_SECRET_KEY=" + "k" * 60 + "\n")
    result = manage("migrate", env=newcomer_env(tmp_path))
    assert result.returncode != 0 and MESSAGE in result.stderr


def test_a_deployment_runs_with_its_secret_key(tmp_path):
    result = manage("check", env=newcomer_env(tmp_path, SECRET_KEY="deployment-" + "x" * 50))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / ".env").exists()


def test_bare_pytest_sets_the_test_mode_itself(tmp_path):
    pytest_script = Path(sys.executable).with_name("pytest")
    result = run([str(pytest_script), "--collect-only", "-q", "-p", "no:cacheprovider",
                  "tests/test_codes.py"], newcomer_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "tests collected" in result.stdout
    assert not (tmp_path / ".env").exists()
