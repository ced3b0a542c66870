"""axe-core's accessibility rules, run in the page the browser shows.

axe.min.js comes with the ``axe-playwright-python`` package (a dev dependency): nothing is
fetched while the tests run. Only WCAG 2.1 A and AA rules are run, and only serious or
critical violations are kept: those that stop someone from using the page.
"""

from __future__ import annotations

from importlib import resources

from playwright.sync_api import Page

AXE_JS = resources.files("axe_playwright_python") / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}

RUN = """tags => axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
})"""
# An aria-describedby or aria-labelledby naming an id absent from the page describes nothing;
# axe lets it pass when another id of the list exists.
DANGLING_REFERENCES = """() => [...document.querySelectorAll("[aria-describedby], [aria-labelledby]")]
    .flatMap(element => ["aria-describedby", "aria-labelledby"].flatMap(attribute =>
        (element.getAttribute(attribute) || "").split(/\\s+/).filter(Boolean)
            .filter(id => !document.getElementById(id))
            .map(id => `${element.outerHTML.slice(0, 160)} : ${attribute} nomme « ${id} », absent`)))"""


def blocking_violations(page: Page) -> list[str]:
    """What keeps the page from meeting WCAG 2.1 AA, one readable line per element at fault."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
    results = page.evaluate(RUN, WCAG_21_AA)
    problems = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        for node in violation["nodes"]:
            summary = node.get("failureSummary", "").replace("\n", " ")
            problems.append(
                f"[{violation['impact']}] {violation['id']} ({violation['help']}) : "
                f"{' '.join(node['target'])} — {node['html'][:160]} — {summary}"
            )
    problems.extend(page.evaluate(DANGLING_REFERENCES))
    return problems
