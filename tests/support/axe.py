"""axe-core in the page, as the browser tests run it (axe-playwright-python bundles axe-core, so
nothing is fetched)."""

from axe_playwright_python.sync_playwright import Axe

WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Axe()


def violations(page, rules=None):
    """Every violation on the page, one line each: WCAG 2.x A and AA, or only the rules named."""
    options = {"resultTypes": ["violations"]}
    options["runOnly"] = (
        {"type": "rule", "values": rules} if rules else {"type": "tag", "values": WCAG_A_AND_AA}
    )
    results = AXE.run(page, options=options)
    return [
        f"{item['id']} ({item['impact']}): {node['target']} {node['failureSummary']}"
        for item in results.response["violations"]
        for node in item["nodes"]
    ]
