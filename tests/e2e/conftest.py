"""Browser journeys: Playwright for Python driving Debian's Chromium against a live server.

Skipped, with the reason, when Chromium is not installed (`apt-get install -y chromium`).
Never `playwright install`: the browser comes from the system.
"""

import functools
import hashlib
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# arrange data and check results are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
# The pictures are for people to look at, and cost about half of a journey's time: `make e2e`
# (E2E_SCREENSHOTS=1) writes them; `make test` runs every check without them.
TAKE_SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS", "") not in ("", "0")
WIDTHS = (1280, 390)
# Page shapes axe-core has already checked in this run, one empty file each, shared by
# pytest-xdist's workers (see Journey._first_of_its_kind).
CHECKED_SHAPES = Path(tempfile.gettempdir()) / (
    "lumira-axe-" + (os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex)
)
AXE = (
    Path(__file__).resolve().parents[2]
    / ".venv"
    / "npm"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)


@functools.cache
def axe_source() -> str:
    # The script, then a value the browser can hand back (axe's own last value cannot be).
    return AXE.read_text(encoding="utf-8") + "\n;null"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM:
        return
    skip = pytest.mark.skip(
        reason="Chromium not installed (apt-get install -y chromium): browser journeys skipped"
    )
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


def _catalogue() -> list[tuple[str, str]]:
    """(French, English) pairs of our catalogue, as fragments a page shows verbatim."""
    po = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"
    pairs = []
    entries = re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', po.read_text(encoding="utf-8"), re.M)
    for french, english in entries:
        # Only what a page shows as is: fragments between placeholders and tags, long enough
        # that the same words cannot be both French and English ("Total", "Premium").
        def pieces(text: str) -> list[str]:
            text = text.replace('\\"', '"')
            return [p.strip() for p in re.split(r"%\(\w+\)[sd]|%[sd]|<[^>]+>", text)]

        for fr, en in zip(pieces(french), pieces(english), strict=False):
            if fr != en and len(fr) >= 12 and len(en) >= 12:
                pairs.append((fr, en))
    return pairs


CATALOGUE = _catalogue()


def left_in_other_language(text: str, lang: str) -> list[str]:
    """Catalogue sentences of the other language found in `text`."""
    index = 0 if lang == "en" else 1
    return sorted({pair[index] for pair in CATALOGUE if pair[index] in text})


class Journey:
    """A browser page plus the habits every journey shares: screenshots, accessibility, no
    request leaving the machine and no error in the browser (the site's CSP applies)."""

    def __init__(self, page, base_url: str, name: str, lang: str = "fr") -> None:
        self.page = page
        self.base_url = base_url
        self.name = name
        self.lang = lang
        self.shots = 0
        self.outside: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._watch)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))

    def _watch(self, request) -> None:
        url = request.url
        if not url.startswith((self.base_url, "data:", "about:", "blob:")):
            self.outside.append(url)

    def _console(self, message) -> None:
        """Errors the browser reports: a script that throws, a content security policy
        violation (the journeys run under the site's real CSP), a file that fails to load.
        A page that answers 4xx on purpose (an unknown order) is not one."""
        if message.type != "error":
            return
        if message.text.startswith("Failed to load resource") and (
            message.location.get("url") == self.page.url
        ):
            return
        self.errors.append(f"{self.page.url}: {message.text}")

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def picture(self, step: str) -> None:
        """Screenshots of the current page at 1280 px and at 390 px (a phone), under `make e2e`
        only, and without our checks: for pages that are not ours to check (Django's admin)."""
        self.shots += 1
        if not TAKE_SCREENSHOTS:
            return
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            path = SCREENSHOTS / self.name / f"{self.shots:02d}-{step}-{width}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    def shoot(self, step: str) -> None:
        """The page at rest, its screenshots (see `picture`), then our accessibility checks."""
        # Our fonts loaded and the success animation run to its end (finished at once rather
        # than waited for): the shot, and the contrast check, see the page at rest.
        self.page.evaluate(
            """() => {
                document.getAnimations()
                    .filter(a => a.effect.getTiming().iterations !== Infinity)
                    .forEach(a => a.finish());
                return document.fonts.ready.then(() => null);
            }"""
        )
        self.picture(step)
        self.check_accessibility()

    @staticmethod
    def _first_of_its_kind(shape: str) -> bool:
        """True the first time this test run meets a page of this shape (the same elements,
        classes, roles, states, labels and empty or not, whatever the language): axe's rules
        judge the markup, so a page built the same way as one already checked would give the
        same answer, only later."""
        CHECKED_SHAPES.mkdir(exist_ok=True)
        try:
            (CHECKED_SHAPES / hashlib.sha256(shape.encode()).hexdigest()).touch(exist_ok=False)
        except FileExistsError:
            return False
        return True

    def _fits_a_phone(self) -> None:
        """At 390 px nothing sticks out sideways: a phone never scrolls the page horizontally."""
        page = self.page
        page.set_viewport_size({"width": WIDTHS[1], "height": 900})
        try:
            too_wide = page.evaluate(
                """() => {
                    const extra = document.documentElement.scrollWidth - window.innerWidth;
                    if (extra <= 0) return [];
                    return [extra + ' px too wide'].concat([...document.body.querySelectorAll('*')]
                        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
                        .map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))
                        .slice(0, 5));
                }"""
            )
        finally:
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        assert too_wide == [], f"{page.url}: wider than a 390 px phone: {too_wide}"

    def check_accessibility(self) -> None:
        """One h1, a language, labelled fields; then, on a page of a new shape, a phone's width
        and axe-core's WCAG 2 AA rules (when it is installed)."""
        page = self.page
        # What the checks read, in one call to the browser.
        found = page.evaluate(
            """() => ({
                lang: document.documentElement.getAttribute('lang'),
                h1: document.querySelectorAll('h1').length,
                text: document.body.innerText,
                unlabelled: [...document.querySelectorAll('input, select, textarea')]
                    .filter(el => !['hidden', 'submit', 'button'].includes(el.type))
                    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                    .map(el => el.name),
                shape: [...document.querySelectorAll('*')].map(el => [el.tagName, el.className,
                    el.getAttribute('role'), el.getAttribute('type'), el.getAttribute('aria-invalid'),
                    el.getAttribute('aria-label') !== null, el.getAttribute('alt') !== null,
                    el.hidden, el.textContent.trim() !== ''].join('|')).join('\\n'),
            })"""
        )
        assert found["lang"] == self.lang, page.url
        assert found["h1"] == 1, page.url
        leftovers = left_in_other_language(found["text"], self.lang)
        assert leftovers == [], f"{page.url}: not in {self.lang}: {leftovers}"
        assert self.outside == [], f"requests leaving the machine: {self.outside}"
        assert self.errors == [], f"errors in the browser: {self.errors}"
        assert found["unlabelled"] == [], (
            f"{page.url}: fields without a label: {found['unlabelled']}"
        )
        if not self._first_of_its_kind(found["shape"]):
            return
        self._fits_a_phone()
        if AXE.exists():
            # Evaluated through the browser's debugging protocol, which the site's CSP (no
            # inline script) does not govern, unlike a <script> tag added to the page.
            page.evaluate(axe_source())
            # axe cannot read a gradient, so text on the page's night sky would go unchecked
            # ("incomplete"): during the check the body wears the sky's lightest stop, the
            # worst case for light text, as a plain colour.
            violations = page.evaluate(
                """async () => {
                    const body = document.body, style = body.getAttribute('style');
                    body.style.background = '#1E1533';
                    try {
                        // The WCAG 2 A/AA rules, colour contrast named so that it can never
                        // drop out of the set.
                        const result = await axe.run(document, {
                            runOnly: ['wcag2a', 'wcag2aa'],
                            rules: {'color-contrast': {enabled: true}},
                        });
                        const ran = [...result.passes, ...result.violations, ...result.incomplete]
                            .some(r => r.id === 'color-contrast');
                        return (ran ? [] : ['color-contrast: did not run']).concat(
                            result.violations.map(v => v.id + ': '
                                + v.nodes.map(n => n.target.join(' ') + ' ' + (n.any[0] || {}).message).join(', ')));
                    } finally {
                        if (style === null) body.removeAttribute('style');
                        else body.setAttribute('style', style);
                    }
                }"""
            )
            assert violations == [], f"{page.url}: {violations}"


@pytest.fixture(autouse=True)
def _server_threads_done():
    """After each journey, once its browsers are closed: wait until the live server's threads
    that were answering them have ended.

    The server answers each keep-alive connection of a browser in a thread of its own, which
    ends a moment after the browser hangs up. The next test flushes the database and the last
    one stops the server (and its shared SQLite connection): none may still be running by then.
    Autouse, so set up before the journey fixtures and torn down after them.
    """
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(
        thread.name.endswith("(process_request_thread)") for thread in threading.enumerate()
    ):
        time.sleep(0.01)


@pytest.fixture
def journey(browser, live_server, request):
    journey, context = new_journey(browser, live_server, request.node.name)
    yield journey
    context.close()
    assert journey.outside == [], f"requests leaving the machine: {journey.outside}"
    assert journey.errors == [], f"errors in the browser: {journey.errors}"


@pytest.fixture
def journey_en(browser, live_server, request):
    """A visitor whose browser asks for English."""
    journey, context = new_journey(browser, live_server, request.node.name, lang="en")
    yield journey
    context.close()
    assert journey.outside == [], f"requests leaving the machine: {journey.outside}"
    assert journey.errors == [], f"errors in the browser: {journey.errors}"


def new_journey(browser, live_server, name: str, lang: str = "fr") -> tuple[Journey, object]:
    """A second browser (another person) in the same test; close the returned context."""
    context = browser.new_context(
        viewport={"width": WIDTHS[0], "height": 900},
        locale="en-GB" if lang == "en" else "fr-FR",
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return Journey(page, live_server.url, name, lang), context
