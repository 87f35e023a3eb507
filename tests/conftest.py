"""Shared fixtures: two organisations and one user per role in each.

`kommun` is the organisation under test; `other_kommun` holds the same roles, so every access
test can check that nothing of one organisation is visible from the other. `page_server` is a
web server on 127.0.0.1 for tests that fetch over real HTTP (tests/pageserver.py).
"""

import pytest
from django.conf import settings
from django.core.cache import cache

from organizations.models import Organization
from organizations.roles import Role
from signals.models import Level

from .factories import MembershipFactory, OrganizationFactory, SignalFactory
from .pageserver import PageServer


@pytest.fixture(autouse=True)
def _fast_and_quiet(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Throttling has its own tests; elsewhere it would only make logins order-dependent.
    settings.AXES_ENABLED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Each test's database starts afresh (on SQLite with the same ids and data versions), so
    # must the cache of per-organisation figures (core.lib.orgcache).
    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Outside the services tier a task runs in this process, as it does without REDIS_URL.
    With REDIS_URL set (CI's PostgreSQL + Redis run) it would otherwise go to the broker: the
    test would not see it run, and it would stay behind in Redis for some other worker."""
    from config.celery import app

    if request.node.get_closest_marker("services"):
        yield
        return
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


def make_member(organization: Organization, role: str, username: str | None = None):
    """A user (password "pw-for-tests") with this role in the organisation, named after it:
    "scanner-kungsbacka", first name "Scanner-kungsbacka"."""
    username = username or f"{role}-{organization.slug}"
    return MembershipFactory(organization=organization, role=role, user__username=username).user


@pytest.fixture
def kommun(db):
    return OrganizationFactory(
        slug="kungsbacka", name="Kungsbacka kommun", perspective_name="Kungsbacka"
    )


@pytest.fixture
def other_kommun(db):
    return OrganizationFactory(slug="varberg", name="Varbergs kommun", perspective_name="Varberg")


@pytest.fixture
def members(kommun):
    """One user per role in `kommun`, keyed by role value: members["scanner"], …"""
    return {role: make_member(kommun, role) for role in Role.values}


@pytest.fixture
def other_members(other_kommun):
    return {role: make_member(other_kommun, role) for role in Role.values}


@pytest.fixture
def signal(kommun, members):
    """A logged signal of `kommun`, by its scanner: one source (Region Halland), the tag "AI"."""
    return SignalFactory(
        organization=kommun,
        created_by=members["scanner"],
        title="Regionen inför AI-stöd i skolan",
        description="Region Halland **testar** AI.",
        motivation="Våra skolor står inför samma beslut.",
        level=Level.NEAR,
        sources=[("https://www.regionhalland.se/nyhet", "Region Halland")],
        tags=["AI"],
    )


def in_english(client):
    """The client asks for the English interface (the language cookie; Swedish is the
    default), so assertions read the source strings, whatever the translation says."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def english(client):
    """The test client, in English. A module asks for it in every test with
    ``pytestmark = pytest.mark.usefixtures("english")``."""
    return in_english(client)


@pytest.fixture
def page_server(settings):
    """A web server on 127.0.0.1 for this test (tests/pageserver.py); the fetch may reach
    exactly it: FETCH_ALLOW_PRIVATE_HOSTS is its host:port and nothing else."""
    server = PageServer()
    settings.FETCH_ALLOW_PRIVATE_HOSTS = [server.host_port]
    yield server
    server.close()


@pytest.fixture
def client_for(client):
    """client_for(user) → the test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


# --- PostgreSQL-only tests ---------------------------------------------------------------------
# A test marked ``postgres`` checks what only PostgreSQL does (Swedish full-text search, ICU
# collation). On SQLite it is deselected, not skipped: there is nothing to report about it, and
# a skip in CI would look like something missing. With DATABASE_URL on PostgreSQL it runs.


def _on_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    if _on_postgres():
        return
    selected, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else selected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


def pytest_report_header(config):
    if _on_postgres():
        return "postgres tests: on (DATABASE_URL is PostgreSQL)"
    return "postgres tests: deselected (set DATABASE_URL to PostgreSQL to run them)"


# --- pytest-xdist: the services tier in one process ---------------------------------------------
# `make test` runs `-n auto --dist loadgroup`. Every test in tests/services/ (the only place the
# celery_worker fixture is visible) goes to the same xdist process, so one Celery worker serves
# the whole run; the other tests are spread one by one, as with plain `--dist load`. Grouped by
# path here because xdist_group marks are silently ignored with pytest 9.2 and pytest-xdist 3.8
# (xdist appends the group to the node id in a way pytest no longer reads; pytest-xdist#1386).
SERVICES_TESTS = "tests/services/"


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class ServicesInOneProcess(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if nodeid.startswith(SERVICES_TESTS):
                return SERVICES_TESTS
            return super()._split_scope(nodeid)

    return ServicesInOneProcess(config, log)
