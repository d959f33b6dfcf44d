"""axe-core (bundled by axe-playwright-python) run on a page of a browser test."""

from axe_playwright_python.sync_playwright import Axe

# Only the rules of WCAG 2.1 A and AA and axe's best practices: the standard the pages are held to.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}


def axe_violations(page) -> list[dict]:
    """axe's violations on the page as it is now."""
    return Axe().run(page, options=AXE_OPTIONS).response["violations"]


def describe(violations: list[dict]) -> str:
    """The violations as lines a failing assertion can show: rule, impact, the elements."""
    return "\n".join(
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in violations
    )


def assert_accessible(page) -> None:
    """No violation at all of the rules above, whatever its impact."""
    violations = axe_violations(page)
    assert not violations, f"{page.url}\n{describe(violations)}"
