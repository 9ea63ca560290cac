"""Browser journeys: Playwright for Python driving Debian's Chromium against a live server.

Skipped, with the reason, when Chromium is not installed (`apt-get install -y chromium`).
Never `playwright install`: the browser comes from the system.
"""

import os
import shutil
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
WIDTHS = (1280, 390)
AXE = (
    Path(__file__).resolve().parents[2]
    / ".venv"
    / "npm"
    / "node_modules"
    / "axe-core"
    / "axe.min.js"
)


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


class Journey:
    """A browser page plus the habits every journey shares: screenshots, accessibility."""

    def __init__(self, page, base_url: str, name: str) -> None:
        self.page = page
        self.base_url = base_url
        self.name = name
        self.shots = 0

    def go(self, path: str) -> None:
        self.page.goto(self.base_url + path)

    def shoot(self, step: str) -> None:
        """Screenshots of the current page at 1280 px and at 390 px (a phone)."""
        self.shots += 1
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            path = SCREENSHOTS / self.name / f"{self.shots:02d}-{step}-{width}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(path), full_page=True)
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        self.check_accessibility()

    def check_accessibility(self) -> None:
        """One h1, a language, labelled fields; axe-core's WCAG 2 AA rules when it is installed."""
        page = self.page
        assert page.locator("html").get_attribute("lang") == "fr", page.url
        assert page.locator("h1").count() == 1, page.url
        unlabelled = page.evaluate(
            """() => [...document.querySelectorAll('input, select, textarea')]
                .filter(el => !['hidden', 'submit', 'button'].includes(el.type))
                .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                .map(el => el.name)"""
        )
        assert unlabelled == [], f"{page.url}: fields without a label: {unlabelled}"
        if AXE.exists():
            page.add_script_tag(path=str(AXE))
            # axe cannot read a gradient, so text on the page's night sky would go unchecked
            # ("incomplete"): during the check the body wears the sky's lightest stop, the
            # worst case for light text, as a plain colour.
            violations = page.evaluate(
                """async () => {
                    const body = document.body, style = body.getAttribute('style');
                    body.style.background = '#1E1533';
                    try {
                        return (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa']}))
                            .violations.map(v => v.id + ': '
                                + v.nodes.map(n => n.target.join(' ')).join(', '));
                    } finally {
                        if (style === null) body.removeAttribute('style');
                        else body.setAttribute('style', style);
                    }
                }"""
            )
            assert violations == [], f"{page.url}: {violations}"


@pytest.fixture
def journey(browser, live_server, request):
    context = browser.new_context(
        viewport={"width": WIDTHS[0], "height": 900},
        locale="fr-FR",
        bypass_csp=True,  # to inject axe
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Journey(page, live_server.url, request.node.name)
    context.close()


def new_journey(browser, live_server, name: str) -> tuple[Journey, object]:
    """A second browser (another person) in the same test; close the returned context."""
    context = browser.new_context(
        viewport={"width": WIDTHS[0], "height": 900},
        locale="fr-FR",
        bypass_csp=True,  # to inject axe
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return Journey(page, live_server.url, name), context
