"""The browser pages render, carry a strict Content-Security-Policy and no inline script or style.

HTML is parsed (html.parser), not matched with regular expressions.
"""

from __future__ import annotations

import re
from pathlib import Path

from html.parser import HTMLParser

import httpx
import pytest

from app.api.middleware import PAGE_CSP as CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.anyio

PAGES = ["/", "/interview/abcDEF123_-x", "/report/abcDEF123_-x", "/history", "/progress"]


class Page(HTMLParser):
    """Collects what the checks need: elements with their attributes, and the text of scripts/styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.inline_code: list[str] = []
        self._in: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in and data.strip():
            self.inline_code.append(data)
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.elements if t == tag]

    def by_id(self, element_id: str) -> tuple[str, dict[str, str | None]] | None:
        return next(((t, a) for t, a in self.elements if a.get("id") == element_id), None)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


@pytest.mark.parametrize("path", PAGES)
async def test_page_renders_with_csp_and_no_inline_code(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers.get_list("content-security-policy") == [CONTENT_SECURITY_POLICY]
    csp = response.headers["content-security-policy"]
    for directive in ("script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp

    page = parse(response.text)
    scripts = page.all("script")
    assert scripts, "every page loads its module"
    for attrs in scripts:
        assert re.fullmatch(r"/static/v-[0-9a-f]{12}/js/\w+\.js", attrs.get("src", "")), attrs
        # the page's module; only the theme runs as a classic script, before paint (no flash of the other theme)
        assert attrs.get("type") == "module" or attrs["src"].endswith("/js/theme.js"), attrs
    assert sum(attrs.get("type") == "module" for attrs in scripts) == 1
    assert page.inline_code == [], "no inline script or style"
    assert not page.all("style")
    for tag, attrs in page.elements:
        assert "style" not in attrs, f"inline style attribute on <{tag}>"
        assert not any(name.startswith("on") for name in attrs), f"inline handler on <{tag}>"
    stylesheets = [a for a in page.all("link") if a.get("rel") == "stylesheet"]
    assert stylesheets and all(a["href"].startswith("/static/") for a in stylesheets)
    assert page.all("html")[0].get("lang") == "en"
    assert any(a.get("name") == "viewport" for a in page.all("meta"))
    assert page.by_id("main") is not None


async def test_static_assets_are_served(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    page = parse(response.text)
    assets = [a["src"] for a in page.all("script")] + [a["href"] for a in page.all("link")]
    versioned = assets[0].rsplit("/js/", 1)[0]
    for page_name in ("start", "interview", "report", "history", "api", "dom", "feedback", "chart", "thread", "sync", "status"):
        assets.append(f"/static/js/{page_name}.js")
        assets.append(f"{versioned}/js/{page_name}.js")  # relative imports resolve under the versioned path
    for url in assets:
        r = await client.get(url)
        assert r.status_code == 200, url
    js = await client.get("/static/js/api.js")
    assert "javascript" in js.headers["content-type"]
    assert (await client.get("/static/js/nope.js")).status_code == 404


async def test_start_page_lists_every_topic_with_its_summary_and_the_examiner(client: httpx.AsyncClient) -> None:
    topics = (await client.get("/api/topics")).json()
    page = parse((await client.get("/")).text)
    boxes = [a for a in page.all("input") if a.get("name") == "topics"]
    assert sorted(b["value"] for b in boxes) == sorted(t["id"] for t in topics)
    text = " ".join(page.text)
    for topic in topics:
        assert topic["title"] in text and topic["summary"] in text
    options = [a["value"] for a in page.all("option")]
    assert {"adaptive", "easy", "medium", "hard"} <= set(options)  # difficulty
    assert {"0", "1", "2", "3"} <= set(options)  # follow-ups per question
    assert {"mle", "research", "applied-scientist", "junior", "mid", "senior"} <= set(options)  # focus
    kinds = [a["value"] for a in page.all("input") if a.get("name") == "question_types"]
    assert kinds == ["concept", "derivation", "estimate", "code-review", "design", "behavioural", "code"]
    assert {a["value"] for a in page.all("input") if a.get("name") == "feedback"} == {"per_answer", "at_end"}
    info = (await client.get("/api/info")).json()
    assert info["examiner"]["description"] in text
    assert page.by_id("candidate_name") is not None


async def test_interview_page_is_a_shell_that_needs_no_token(client: httpx.AsyncClient) -> None:
    created = (await client.post("/api/interviews", json={"questions_per_topic": 1})).json()
    response = await client.get(f"/interview/{created['id']}")
    assert response.status_code == 200
    assert created["token"] not in response.text
    page = parse(response.text)
    main = page.by_id("main")
    assert main is not None and main[1].get("data-interview-id") == created["id"]
    thread = page.by_id("thread")
    assert thread is not None
    assert thread[1].get("role") == "log" and thread[1].get("aria-live") == "polite"
    assert page.by_id("answer")[0] == "textarea"
    assert page.by_id("confirm-dialog")[0] == "dialog"


async def test_interview_id_is_escaped_in_the_shell(client: httpx.AsyncClient) -> None:
    payload = '"><img src=x onerror=alert(1)>'
    response = await client.get("/report/" + payload)
    assert response.status_code == 200
    page = parse(response.text)
    assert page.all("img") == []
    assert page.by_id("main")[1].get("data-interview-id") == payload
    assert all(a.get("src") for a in page.all("script"))
    assert page.inline_code == []


async def test_pages_are_not_in_the_api_schema(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert not any(p in schema["paths"] for p in ("/", "/history", "/interview/{interview_id}"))


def test_asset_version_changes_with_any_static_file(tmp_path: Path) -> None:
    from app.api.routes.pages import asset_version

    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "shared.js").write_text("export const a = 1;\n")
    before = asset_version(tmp_path)
    (tmp_path / "js" / "shared.js").write_text("export const a = 2;\n")  # a shared module, not the entry
    assert asset_version(tmp_path) != before


async def test_the_openapi_document_declares_every_error_status(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/interviews"):
            continue
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert {"401", "404", "409", "422", "429", "503"} <= declared, (method, path, declared)
            assert operation["responses"]["404"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
