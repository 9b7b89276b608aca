"""axe-core over every page of ``tests/e2e/pages.py`` as each role, at desktop and phone size: no serious or
critical violation, and at 390 px no page scrolls sideways. Screenshots go to var/e2e-screenshots/."""

from pathlib import Path

import pytest

from tests.e2e.closing import close_context
from tests.e2e.pages import build_site, session_cookie, urls_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
SHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e-screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


def _visit_all(browser, live_server, role: str, viewport: str) -> tuple[list[str], list[str]]:
    site = build_site()
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS[viewport])
    context.set_default_timeout(15_000)
    cookie = session_cookie(role, site)
    if cookie:
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    page = context.new_page()
    problems, wide = [], []
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        for url in urls_for(role, site):
            response = page.goto(url)
            assert response is not None and response.status < 500, f"{url} answered {response and response.status}"
            page.evaluate(AXE)  # through the debugger protocol: the page's CSP does not apply to the test tool
            for violation in page.evaluate(RUN_AXE):
                problems.append(f"{role} {viewport} {url}: {violation['impact']} {violation['id']} "
                                f"({violation['help']}) at {violation['nodes']}")
            widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                wide.append(f"{role} {viewport} {url}: scrollWidth {widths[0]} > innerWidth {widths[1]}")
            name = url.strip("/").replace("/", "_").replace("?", "_").replace("=", "-") or "home"
            page.screenshot(path=str(SHOTS / f"{role}-{viewport}-{name}.png"), full_page=True)
    finally:
        close_context(context)
    return problems, wide


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("role", ["anonymous", "fan", "creator", "staff", "admin"])
def test_every_page_has_no_serious_accessibility_violation_and_no_sideways_scroll(browser, live_server, role,
                                                                                  viewport):
    problems, wide = _visit_all(browser, live_server, role, viewport)
    assert problems == [], "\n".join(problems)
    assert wide == [], "\n".join(wide)
