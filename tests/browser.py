"""Real-browser helpers: Debian's Chromium driven by Playwright, axe-core from npm.

Use the `page` fixture together with pytest-django's `live_server`; screenshots land in
test-artifacts/ (kept by CI as artifacts). scripts/bootstrap installs Chromium where it can;
without one (or with CHROMIUM_PATH naming none) the browser tests are skipped, and the test
summary says why (tests/support.py)."""

import json
import os
import re

import pytest

from tests.support import CHROMIUM, ROOT, skip_without_chromium

ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    skip_without_chromium()
    # Playwright runs an event loop in this thread; the ORM calls of the test body are
    # still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="fi-FI", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    page.screenshot(path=str(ARTIFACTS / f"{name}-last.png"), full_page=True)
    context.close()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def serious_axe_violations(page) -> list[dict]:
    """Runs axe-core on the current page; returns the serious and critical violations."""
    # Evaluated through the DevTools protocol, not as a <script>: the pages' Content Security
    # Policy (no inline scripts) stays on while axe looks at them.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in ("serious", "critical")
    ]


def assert_accessible(page) -> None:
    violations = serious_axe_violations(page)
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)


def log_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_password) [type=submit]").click()
    page.wait_for_url(re.compile(r".*/$"))


def log_out(page) -> None:
    page.locator('form[action="/accounts/logout/"] [type=submit]').click()
