"""The load test's users (run by bench/load.py, which prepares the accounts and the server).

50 coordinators each save their own subproject's report several times and submit it; 20
steering group members browse the dashboards of their project; one national client pulls the
API. Every coordinator's accepted saves are written to LOAD_RESULT at the end, so bench/load.py
can check that none was lost or duplicated."""

import itertools
import json
import os
import re

from locust import HttpUser, between, events, task

PASSWORD = os.environ["LOAD_PASSWORD"]
MONTH = os.environ["LOAD_MONTH"]
SAVES = int(os.environ.get("LOAD_SAVES", "6"))
setup = json.loads(os.environ["LOAD_SETUP"])
_coordinators = itertools.count()
_steering = itertools.count()
results: dict[str, dict] = {}

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d*)"')


def use_session(user: HttpUser, session_key: str) -> None:
    user.client.cookies.set("sessionid", session_key)


def page(user: HttpUser, url: str, name: str):
    """GET a page; anything but 200 (a redirect to the login page, say) is a failure."""
    with user.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"{response.status_code} {response.headers.get('Location', '')}")
        return response


def log_in(user: HttpUser, username: str) -> None:
    page = user.client.get("/accounts/login/", name="login page")
    token = CSRF.search(page.text).group(1)
    response = user.client.post("/accounts/login/", {
        "username": username, "password": PASSWORD, "csrfmiddlewaretoken": token,
    }, name="login", allow_redirects=False)
    if response.status_code != 302:
        raise RuntimeError(f"{username} could not log in: {response.status_code}")


# Pauses as people work: a coordinator types for a few seconds between saves, a steering group
# member reads a dashboard before opening the next. (With no pauses the test only measures how
# many requests two cores can queue.)
class Coordinator(HttpUser):
    fixed_count = 50
    wait_time = between(2, 8)

    def on_start(self):
        n = next(_coordinators)
        self.username, self.subproject, session_key = setup["coordinators"][n]
        self.url = f"/reports/subprojects/{self.subproject}/{MONTH}/"
        self.saves = 0
        self.submitted = False
        self.last_text = ""
        if n == 0:
            log_in(self, self.username)  # one real login, measured
        else:
            use_session(self, session_key)

    @task
    def work_on_the_report(self):
        if self.submitted:
            page(self, "/reports/", "my reports")
            return
        form = page(self, self.url, "report form")
        if form.status_code != 200:
            return
        version = VERSION.search(form.text)
        action = "submit" if self.saves + 1 >= SAVES else "save"
        text = f"{self.username}: tallennus {self.saves + 1}"
        with self.client.post(self.url, {
            "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
            "version": version.group(1) if version else "",
            "light": "green", "progress": str(10 * (self.saves + 1)), "situation": text,
            "next_steps": "Jatketaan suunnitelman mukaan.", "problems": "", "help_needed": "",
            "light_reason": "Kuormitustesti", "action": action,
        }, name=f"report {action}", allow_redirects=False, catch_response=True) as response:
            if response.status_code == 302 and response.headers["Location"] == self.url:
                self.saves += 1
                self.last_text = text
                self.submitted = action == "submit"
                response.success()
            else:
                response.failure(f"{response.status_code}")

    def on_stop(self):
        results[self.username] = {"saves": self.saves, "last_text": self.last_text,
                                  "submitted": self.submitted, "subproject": self.subproject}


class SteeringMember(HttpUser):
    fixed_count = 20
    wait_time = between(3, 10)

    def on_start(self):
        n = next(_steering)
        self.username, self.project, session_key = setup["steering"][n]
        use_session(self, session_key)

    @task(3)
    def project_dashboard(self):
        page(self, f"/dashboards/projects/{self.project}/", "dashboard: project")

    @task(1)
    def national_overview(self):
        page(self, "/dashboards/", "dashboard: national")


class NationalApiClient(HttpUser):
    fixed_count = 1
    wait_time = between(0.5, 1)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {setup['token']}"
        self.codes = itertools.cycle(setup["project_codes"])

    @task
    def metric_values(self):
        page(self, f"/api/v1/metric-values/?project={next(self.codes)}&page_size=1000",
             "api: metric values page (1000 rows)")

    @task
    def reports(self):
        page(self, "/api/v1/monthly-reports/", "api: monthly reports")


@events.test_stop.add_listener
def _write_results(environment, **kwargs):
    with open(os.environ["LOAD_RESULT"], "w", encoding="utf-8") as handle:
        json.dump(results, handle, ensure_ascii=False)
