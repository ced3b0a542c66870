"""Chromium renders ``/api/docs`` under the Content-Security-Policy production sends with it.

The live server runs the test settings (no CSP middleware), so the page is fetched with
production's middleware and handed to Chromium as production serves it, header included; its
scripts, styles and the OpenAPI document then come from the live server, under that policy.
"""

import pytest
from django.test import Client, override_settings
from playwright.sync_api import expect

from tests.portal.test_api_docs import production_csp

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Recorded before any script of the page runs; the policy does not apply to init scripts.
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_swagger_ui_lists_every_operation_under_the_production_policy(
    browser, portal_url, monkeypatch
):
    with override_settings(**production_csp(monkeypatch)):
        docs = Client().get("/api/docs")
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    document = Client().get("/api/openapi.json").json()
    operations = sum(len(methods) for methods in document["paths"].values())

    context = browser.new_context(base_url=portal_url)
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    elsewhere: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith((portal_url, "data:")) else elsewhere.append(request.url)
        ),
    )
    page.route(
        f"{portal_url}/api/docs",
        lambda route: route.fulfill(
            status=200,
            headers={
                "Content-Type": docs["Content-Type"],
                "Content-Security-Policy": docs["Content-Security-Policy"],
            },
            body=docs.content,
        ),
    )
    try:
        page.goto("/api/docs")

        expect(page.locator(".opblock")).to_have_count(operations)
        expect(page.locator(".opblock-summary-path").first).to_be_visible()
        expect(page.get_by_text("Portail API").first).to_be_visible()
        assert page.evaluate("window.cspViolations") == []
        assert elsewhere == []
    finally:
        context.close()
