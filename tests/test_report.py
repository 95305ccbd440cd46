"""The HTML report (#12): written by the real command from a real database, opened in
real headless Chromium (Debian's, through Playwright), its rows, chart, sorting and
filters read back from the DOM, a screenshot taken, and no request leaving the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mentionspider.analysis.page import FoundMention, OutLink, PageAnalysis
from mentionspider.items import LinkCheckItem, PageItem
from mentionspider.opportunities import broken_link_opportunity, page_opportunity
from mentionspider.store import Store
from tests.conftest import run_cli

DEAD = "http://dead.example/gone"


def item(url: str, *, linked: bool = False, dead: bool = False) -> PageItem:
    analysis = PageAnalysis(
        title=f"Post {url[-1]} <b>bold</b>", lang="en",
        mentions=[FoundMention("Acme", "Acme", "main", "We like Acme & co.", False, 0)],
        brand_link_rels=[""] if linked else [],
        brand_links=[OutLink("https://acme.com/", "Acme", "", "main")] if linked else [],
        outlinks=[OutLink(DEAD, "old shop", "", "main")] if dead else [])
    site = url.split("/")[2]
    page = PageItem(campaign="acme", url=url, requested_url=url, site=site, status=200,
                    depth=1, fetched_at="2026-11-21T00:00:00+00:00", analysis=analysis)
    page.opportunity = page_opportunity("acme", url, analysis, depth=1,
                                        brand_domains=("acme.com",))
    return page


def sweep_into(store: Store, pages: list[PageItem]) -> int:
    run = store.start_run("acme", {})
    store.save_pages(run, pages)
    store.save_link_checks([LinkCheckItem(DEAD, "broken", "404", DEAD, checked_at="2026-11-21")])
    store.settle_broken_links("acme", run, [broken_link_opportunity("acme", row) for row in
                                            store.broken_link_candidates("acme", run)])
    store.finish_run(run, status="finished", counts={"pages": len(pages)}, stats={})
    return run


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    tmp = tmp_path_factory.mktemp("report")
    db = tmp / "acme.db"
    store = Store(db)
    urls = [f"http://site{i % 3}.example/post{i}" for i in range(6)]
    sweep_into(store, [item(u, dead=i < 2) for i, u in enumerate(urls)])
    sweep_into(store, [item(u, linked=i == 5, dead=i < 2) for i, u in enumerate(urls)]
               + [item("http://site9.example/post9")])
    store.close()
    out = tmp / "report.html"
    result = run_cli(["report", "--db", str(db), "--campaign", "acme", "-o", str(out)])
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"Wrote the report of 2 runs and 9 opportunities to {out}\n"
    yield out


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    from mentionspider.render.browser import CHROMIUM_FLAGS, find_chromium

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=find_chromium(),
                                              args=list(CHROMIUM_FLAGS))
        yield launched
        launched.close()


def open_page(browser: object, report: Path, fragment: str = "") -> tuple[object, list[str]]:
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(report.as_uri() + fragment)
    page.wait_for_selector("body[data-ready='1']")
    return page, requests


def visible_rows(page: object) -> list[tuple[str, str, str]]:
    return [tuple(row) for row in page.eval_on_selector_all(  # type: ignore[attr-defined]
        "#ranked tbody tr:not([hidden])",
        "rows => rows.map(r => [r.dataset.kind, r.dataset.state, "
        "r.querySelector('[data-key=score]').dataset.value])")]


def test_the_report_opens_with_its_rows_and_chart_and_no_request(browser: object, report: Path,
                                                                 tmp_path: Path) -> None:
    page, requests = open_page(browser, report)
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)  # type: ignore[attr-defined]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
    assert requests == [report.as_uri()]  # nothing but the file itself
    rows = visible_rows(page)
    assert len(rows) == 9
    assert sorted({kind for kind, _, _ in rows}) == ["broken_link", "unlinked_mention"]
    assert sum(state == "won" for _, state, _ in rows) == 1
    bars = page.eval_on_selector_all(  # type: ignore[attr-defined]
        "#run-chart rect.bar", "bars => bars.map(b => [b.dataset.run, b.dataset.series, "
        "b.dataset.value, b.getBoundingClientRect().height > 0])")
    assert [b[:3] for b in bars if b[2] != "0"] == [["1", "new", "8"], ["2", "new", "1"],
                                                   ["2", "retired", "1"], ["2", "won", "1"]]
    assert all(b[3] for b in bars if b[2] != "0")  # drawn, not just present
    new = page.eval_on_selector_all("#new-since-last tbody tr",  # type: ignore[attr-defined]
                                    "rows => rows.map(r => r.cells[1].textContent)")
    assert new == ["http://site9.example/post9"]
    dead = page.eval_on_selector_all("#dead-targets tbody tr",  # type: ignore[attr-defined]
                                     "rows => rows.map(r => [...r.cells].map(c => c.textContent))")
    assert dead == [[DEAD, "404", "2", "2"]]
    assert page.eval_on_selector_all("b", "b => b.length") == 0  # type: ignore[attr-defined]
    page.close()  # type: ignore[attr-defined]


def test_filters_and_sorting_work_in_the_browser(browser: object, report: Path) -> None:
    page, _ = open_page(browser, report)
    page.select_option("#filter-kind", "broken_link")  # type: ignore[attr-defined]
    assert [r[0] for r in visible_rows(page)] == ["broken_link", "broken_link"]
    assert page.inner_text("#shown-count") == "2"  # type: ignore[attr-defined]
    page.select_option("#filter-kind", "")  # type: ignore[attr-defined]
    page.select_option("#filter-state", "won")  # type: ignore[attr-defined]
    assert visible_rows(page) == [("unlinked_mention", "won", visible_rows(page)[0][2])]
    page.select_option("#filter-state", "")  # type: ignore[attr-defined]
    page.click("#ranked th[data-key=score]")  # first click: highest first
    descending = [int(score) for _, _, score in visible_rows(page)]
    assert descending == sorted(descending, reverse=True) and descending[-1] == 69
    page.click("#ranked th[data-key=score]")  # again: lowest first
    ascending = [int(score) for _, _, score in visible_rows(page)]
    assert ascending == sorted(descending)
    page.close()  # type: ignore[attr-defined]

    page, _ = open_page(browser, report, "#kind=unlinked_mention&state=new&sort=score:asc")
    rows = visible_rows(page)
    assert {(kind, state) for kind, state, _ in rows} == {("unlinked_mention", "new")}
    assert len(rows) == 6
    page.close()  # type: ignore[attr-defined]


def test_report_errors_are_one_line(tmp_path: Path, report: Path) -> None:
    db = report.parent / "acme.db"
    out = tmp_path / "missing" / "r.html"
    result = run_cli(["report", "--db", str(db), "-o", str(out)])
    assert (result.returncode, result.stderr) == (
        1, f"Error: {out}: folder {out.parent} does not exist\n")
    result = run_cli(["report", "--db", str(db), "--campaign", "nope", "-o",
                      str(tmp_path / "r.html")])
    assert (result.returncode, result.stderr) == (1, f"Error: no campaign 'nope' in {db}\n")
