"""The load test's scenario (run by bench/load.py, `make bench-load`).

Citizens browse the catalogue, apply (every step of the form, without JavaScript) and
follow their cases; agents take the next case of their unit's queue and start its
review; a third kind of user reads the minimal Django view, the reference the others
are compared with. Each request goes to one of the app servers in turn (LOAD_HOSTS),
as a load balancer would send it: sessions must work on both.

Sessions are opened beforehand by bench/load.py (LOAD_SESSIONS, a JSON file).
"""

import itertools
import json
import os
import re

from locust import HttpUser, between, task

HOSTS = os.environ.get("LOAD_HOSTS", "http://127.0.0.1:8001").split(",")
SESSIONS = json.loads(open(os.environ["LOAD_SESSIONS"]).read())  # noqa: SIM115
PROCEDURE = SESSIONS["procedure"]
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_RE = re.compile(r'href="/dossiers/([A-Z0-9-]+)/"')
_citizens = itertools.cycle(SESSIONS["citizens"])
_agents = itertools.cycle(SESSIONS["agents"])
_hosts = itertools.cycle(HOSTS)


def refuse(response, expected: str = "200") -> None:
    """Count a response as an error, saying why: the status received, or the
    connection's own error when no response came (status 0)."""
    if response.status_code == 0:
        response.failure(repr(response.error))
    else:
        response.failure(f"{response.status_code}, expected {expected}")


class Parcours(HttpUser):
    abstract = True
    host = HOSTS[0]

    def url(self, path: str) -> str:
        return next(_hosts) + path  # round robin over the app servers

    def get(self, path: str, name: str, **kwargs):
        return self.client.get(self.url(path), name=name, allow_redirects=False, **kwargs)

    def post(self, path: str, name: str, data: dict, token: str):
        base = HOSTS[0]
        return self.client.post(
            self.url(path),
            name=name,
            data={"csrfmiddlewaretoken": token, **data},
            headers={"Referer": base + path},
            allow_redirects=False,
        )

    def token(self, response) -> str:
        match = CSRF_RE.search(response.text)
        if match is None:
            response.failure("no CSRF token")
            return ""
        return match.group(1)

    def use_session(self, session_key: str) -> None:
        self.client.cookies.set("sessionid", session_key)

    def step(self, path: str, name: str, data: dict) -> str | None:
        """GET a form page, POST it, expect a redirect; where it leads."""
        with self.get(path, name, catch_response=True) as page:
            if page.status_code != 200:
                refuse(page)
                return None
            token = self.token(page)
        with self.client.post(
            self.url(path),
            name=name + " [POST]",
            data={"csrfmiddlewaretoken": token, **data},
            headers={"Referer": HOSTS[0] + path},
            allow_redirects=False,
            catch_response=True,
        ) as sent:
            if sent.status_code != 302:
                refuse(sent, "302")
                return None
            return sent.headers["Location"]


class Citizen(Parcours):
    weight = 6
    wait_time = between(1, 3)

    def on_start(self):
        self.use_session(next(_citizens))

    @task(4)
    def browse(self):
        self.get("/", "home")
        self.get("/demarches/", "catalogue")
        self.get(f"/demarches/{PROCEDURE}/", "procedure page")

    @task(2)
    def follow(self):
        with self.get("/dossiers/", "my cases", catch_response=True) as page:
            if page.status_code != 200:
                refuse(page)
                return
            references = CASE_RE.findall(page.text)
        if references:
            self.get(f"/dossiers/{references[0]}/", "case page")

    @task(1)
    def apply(self):
        start = f"/demarches/{PROCEDURE}/demande/"
        step = self.step(start, "apply: start", {})
        if step is None:
            return
        situation = self.step(
            step, "apply: form", {"subject": "Rencontre", "details": "Le square.", "action": "next"}
        )
        if situation is None:
            return
        documents = self.step(situation, "apply: situation", {"situation": "", "action": "next"})
        if documents is None:
            return
        review = self.step(documents, "apply: documents", {"action": "next"})
        if review is None:
            return
        done = self.step(review, "apply: review and send", {})
        if done is not None:
            self.get(done, "apply: sent")


class Agent(Parcours):
    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        agent = next(_agents)
        self.use_session(agent["session"])
        self.unit = agent["unit"]

    @task(3)
    def queue(self):
        self.get(f"/agents/files/{self.unit}/", "agent: queue")

    @task(1)
    def claim_and_act(self):
        queue = f"/agents/files/{self.unit}/"
        with self.get(queue, "agent: queue", catch_response=True) as page:
            if page.status_code != 200:
                refuse(page)
                return
            token = self.token(page)
        with self.client.post(
            self.url(queue + "suivant/"),
            name="agent: take the next case",
            data={"csrfmiddlewaretoken": token},
            headers={"Referer": HOSTS[0] + queue},
            allow_redirects=False,
            catch_response=True,
        ) as taken:
            if taken.status_code != 302:
                refuse(taken, "302")
                return
            location = taken.headers["Location"]
        if "/agents/dossiers/" not in location:
            return  # the queue was empty: back to the queue page
        with self.get(location, "agent: case page", catch_response=True) as case:
            if case.status_code != 200:
                refuse(case)
                return
            token = self.token(case)
        with self.client.post(
            self.url(location + "instruire/"),
            name="agent: start the review",
            data={"csrfmiddlewaretoken": token},
            headers={"Referer": HOSTS[0] + location},
            allow_redirects=False,
            catch_response=True,
        ) as acted:
            if acted.status_code != 302:
                refuse(acted, "302")


class Minimal(Parcours):
    """The reference, in the same run, on the same servers."""

    weight = 1
    wait_time = between(1, 3)

    @task
    def minimal(self):
        self.get("/bench/minimal", "minimal view")
