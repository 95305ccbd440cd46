"""Link checks end to end: `mentionspider sweep` over a virtual web built for every outcome.

One sweep (module fixture) covers every outcome; each test reads its row from the
store and the proxy's request log. A second, small web covers politeness and reruns.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from mentionspider.virtualweb.server import VirtualWeb, proxy_env
from mentionspider.virtualweb.web import Route, Web
from tests.conftest import ROOT, run_cli, write_campaign

FAST = ["-s", "MENTIONSPIDER_LINKCHECK_BACKOFF=0.1", "-s", "DOWNLOAD_TIMEOUT=1"]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


CLOSED_PORT = _closed_port()

LINKS = {
    "ok": "http://fine.example/page",
    "gone": "http://fine.example/retired",
    "file_ok": "http://fine.example/guide.pdf",
    "head405": "http://headless.example/a.pdf",
    "head404": "http://headless.example/b.zip",
    "head405_phrase": "http://headless.example/c.pdf",
    "retry_after": "http://ratelimited.example/flaky",
    "retry_after_too_long": "http://throttled.example/x",
    "chain": "http://chain.example/old",
    "soft_redirect": "http://redirecty.example/old/article",
    "soft_phrase": "http://softy.example/discontinued",
    "soft_probe": "http://softy.example/missing-page",
    "soft_host_real": "http://softy.example/real",
    "soft_phrase_honest_host": "http://fine.example/old-offer",
    "dns": "http://nowhere.example/",
    "dns_https": "https://nowhere-tls.example/x",
    "refused_squid": "http://closed.example/",
    "private_v4": f"http://127.0.0.1:{CLOSED_PORT}/x",
    "private_name": "http://localhost/admin",
    "private_v6": f"http://[::1]:{CLOSED_PORT}/",
    "too_long": "http://fine.example/" + "a" * 2100,
    "bot_wall": "http://walled.example/",
    "forbidden": "http://forbidden.example/x",
    "busy": "http://busy.example/",
    "timeout": "http://slow.example/stuck",
    "robots": "http://private.example/secret/doc",
}

ARTICLE = ("<html><head><title>{title}</title></head><body><main><h1>{title}</h1>"
           "<p>{text}</p></main></body></html>")
REAL_TEXT = ("A long and careful review of blue widgets, their springs, their gears and the "
             "way they age over ten years of daily use in a busy workshop.")


def _page(title: str, text: str = REAL_TEXT) -> str:
    return ARTICLE.format(title=title, text=text)


def build_web() -> Web:
    web = Web()
    anchors = "".join(f'<p>See <a href="{url}">{name} anchor</a>.</p>' for name, url in
                      LINKS.items() if name != "gone")
    web.add_page("blog.example", "/", "<html><head><title>Widget blog</title></head><body><main>"
                 f"<h1>Widgets</h1>{anchors}"
                 f'<p>The <a rel="nofollow" href="{LINKS["gone"]}">retired guide</a>.</p>'
                 '<p><a href="/second">more</a></p></main></body></html>')
    web.add_page("blog.example", "/second", "<html><body><main><p>Old "
                 f'<a href="{LINKS["gone"]}">guide</a></p></main></body></html>')
    web.add_page("news.example", "/", "<html><body><main><p>Also "
                 f'<a href="{LINKS["gone"]}">the guide</a></p></main></body></html>')
    web.add_page("fine.example", "/page", _page("Fine page"))
    # fine.example answers unknown paths with a real 404, but serves this removed page as
    # "200 Seite nicht gefunden": only its body tells
    web.add_page("fine.example", "/old-offer", _page("Seite nicht gefunden", "Leider."))
    web.add_route("fine.example", "/retired", Route(status=410))
    pdf = {"Content-Type": "application/pdf"}
    web.add_route("fine.example", "/guide.pdf", Route(body="%PDF-1.4", headers=pdf))
    web.add_route("headless.example", "/a.pdf", Route(body="%PDF-1.4", headers=pdf,
                                                      head_status=405))
    web.add_route("headless.example", "/b.zip", Route(body="PK", head_status=404, headers={
        "Content-Type": "application/zip"}))
    # a "file" URL that serves an HTML page: HEAD says 405, the GET reads the page
    web.add_route("headless.example", "/c.pdf", Route(
        body=_page("Seite nicht gefunden", "Leider."), head_status=405))
    web.add_route("ratelimited.example", "/flaky", Route(sequence=[
        Route(status=429, headers={"Retry-After": "1"}), Route(body=_page("Flaky but fine"))]))
    web.add_route("throttled.example", "/x", Route(status=429, headers={"Retry-After": "3600"}))
    web.add_route("chain.example", "/old", Route(status=301, location="/middle"))
    web.add_route("chain.example", "/middle", Route(status=302, location="/gone"))
    web.add_host("redirecty.example", redirect_unknown_to_home=True)
    web.add_page("redirecty.example", "/", _page("Redirecty home"))
    web.add_host("softy.example", soft404=True)
    web.add_page("softy.example", "/", _page("Softy home"))
    web.add_page("softy.example", "/real", _page("A real softy page"))
    web.add_page("softy.example", "/discontinued", _page("Pagina niet gevonden", "Helaas."))
    web.add_host("closed.example", refused=True)
    web.add_host("walled.example", all=Route(status=403, body="<p>checking your browser</p>",
                                             headers={"cf-mitigated": "challenge"}))
    web.add_route("forbidden.example", "/x", Route(status=403))
    # Only the page is busy: a robots.txt answering 503 would disallow the host (RFC 9309).
    web.add_route("busy.example", "/", Route(status=503))
    web.add_route("slow.example", "/stuck", Route(hang=True))
    web.add_page("private.example", "/robots.txt", "User-agent: *\nDisallow: /secret/\n")
    web.add_page("private.example", "/secret/doc", _page("Secret"))
    return web


CAMPAIGN = """
name = "checks"
[brand]
names = ["Acme Widgets"]
domains = ["acmewidgets.com"]
[crawl]
seeds = ["http://blog.example/", "http://news.example/"]
max_depth = 1
delay = 0
[linkcheck]
delay = 0
concurrency_per_host = 2
"""


def sweep(args: Sequence[str], proxy: str, *,
          no_proxy: str = "") -> subprocess.CompletedProcess[str]:
    """Like conftest.run_cli, with ``no_proxy`` (for the real closed port on 127.0.0.1)."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(proxy_env(proxy))
    env["no_proxy"] = env["NO_PROXY"] = no_proxy
    return subprocess.run([sys.executable, "-m", "mentionspider.cli", "sweep", *args],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("linkcheck")
    campaign = write_campaign(tmp / "checks.toml", CAMPAIGN)
    db = tmp / "checks.db"
    with VirtualWeb(build_web()) as web:
        result = sweep([str(campaign), "--db", str(db), *FAST], web.url, no_proxy="127.0.0.1")
        assert result.returncode == 0, result.stderr[-3000:]
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        checks = {row["url"]: dict(row) for row in conn.execute("SELECT * FROM link_checks")}
        opportunities = [dict(r) for r in conn.execute(
            "SELECT * FROM opportunities WHERE kind = 'broken_link'")]
        conn.close()
        yield {"db": db, "checks": checks, "log": list(web.requests), "stderr": result.stderr,
               "opportunities": opportunities}


def check(swept: dict[str, Any], name: str) -> dict[str, Any]:
    return swept["checks"][LINKS[name]]


def requests_to(swept: dict[str, Any], url: str) -> list[tuple[str, float, int | None]]:
    return [(e.method, e.time, e.status) for e in swept["log"] if e.url == url]


EXPECTED = {
    "ok": ("ok", "200"),
    "gone": ("broken", "410"),
    "file_ok": ("ok", "200"),
    "head405": ("ok", "200"),
    "head404": ("ok", "200"),
    "head405_phrase": ("broken", "soft404"),
    "retry_after": ("ok", "200"),
    "retry_after_too_long": ("transient", "429"),
    "chain": ("broken", "404"),
    "soft_redirect": ("broken", "soft404"),
    "soft_phrase": ("broken", "soft404"),
    "soft_probe": ("broken", "soft404"),
    "soft_host_real": ("ok", "200"),
    "soft_phrase_honest_host": ("broken", "soft404"),
    "dns": ("broken", "dns"),
    "dns_https": ("broken", "unreachable"),
    "refused_squid": ("broken", "refused"),
    "private_v4": ("skipped", "private address"),
    "private_name": ("skipped", "private address"),
    "private_v6": ("skipped", "private address"),
    "too_long": ("skipped", "URL too long"),
    "bot_wall": ("blocked", "403"),
    "forbidden": ("blocked", "403"),
    "busy": ("transient", "503"),
    "timeout": ("transient", "timeout"),
    "robots": ("blocked_by_robots", "robots"),
}


def test_every_outcome(swept: dict[str, Any]) -> None:
    found = {name: (check(swept, name)["outcome"], check(swept, name)["status"])
             for name in LINKS}
    assert found == EXPECTED
    assert len(swept["checks"]) == len(LINKS)


def test_no_error_lines_for_links_that_give_up(swept: dict[str, Any]) -> None:
    assert " ERROR: " not in swept["stderr"], swept["stderr"][-3000:]


ONE_REQUEST = ["ok", "gone", "chain", "soft_phrase", "soft_phrase_honest_host", "dns",
               "refused_squid", "bot_wall", "forbidden", "file_ok", "soft_host_real"]


def test_one_request_per_ordinary_target(swept: dict[str, Any]) -> None:
    # a GET that stops reading once it has the head and first heading; HEAD for files
    for name in ONE_REQUEST:
        assert len(requests_to(swept, LINKS[name])) == 1, name
    assert [m for m, _, _ in requests_to(swept, LINKS["ok"])] == ["GET"]
    assert [m for m, _, _ in requests_to(swept, LINKS["file_ok"])] == ["HEAD"]
    assert (check(swept, "ok")["method"], check(swept, "ok")["attempts"]) == ("GET", 1)
    # a redirect chain: one request per hop, each hop paced as a request to its host
    assert [e.path for e in swept["log"] if e.host == "chain.example"
            and e.path != "/robots.txt"] == ["/old", "/middle", "/gone"]
    assert check(swept, "chain")["attempts"] == 3


def test_head_mishandled_is_confirmed_with_get(swept: dict[str, Any]) -> None:
    assert [m for m, _, _ in requests_to(swept, LINKS["head405"])] == ["HEAD", "GET"]
    assert [(m, s) for m, _, s in requests_to(swept, LINKS["head404"])] == [
        ("HEAD", 404), ("GET", 200)]
    row = check(swept, "head404")
    assert (row["method"], row["attempts"]) == ("GET", 2)


def test_retry_after_is_honoured(swept: dict[str, Any]) -> None:
    # GET 429 (Retry-After: 1), GET 200 a second later
    (m1, t1, s1), (m2, t2, s2) = requests_to(swept, LINKS["retry_after"])
    assert (m1, s1, m2, s2) == ("GET", 429, "GET", 200)
    assert t2 - t1 >= 1.0
    assert check(swept, "retry_after")["attempts"] == 2


def test_retry_after_beyond_the_cap_gives_up_without_knocking_early(swept: dict[str, Any]
                                                                    ) -> None:
    assert [(m, s) for m, _, s in requests_to(swept, LINKS["retry_after_too_long"])] == [
        ("GET", 429)]
    assert check(swept, "retry_after_too_long")["evidence"] == "HTTP 429: try again later"


def test_persistent_503_is_retried_with_backoff_and_stays_transient(swept: dict[str, Any]
                                                                    ) -> None:
    log = requests_to(swept, LINKS["busy"])
    assert [m for m, _, _ in log] == ["GET", "GET", "GET"]
    gets = [t for _, t, _ in log]
    assert gets[1] - gets[0] >= 0.1 and gets[2] - gets[1] >= 0.2  # 0.1 s, then doubled
    assert check(swept, "busy")["attempts"] == 3


def test_redirect_chain_ending_in_404_is_recorded(swept: dict[str, Any]) -> None:
    row = check(swept, "chain")
    assert json.loads(row["redirects"]) == ["http://chain.example/old",
                                            "http://chain.example/middle"]
    assert row["final_url"] == "http://chain.example/gone"
    assert row["evidence"] == "HTTP 404"


def test_soft_404_says_which_evidence_decided(swept: dict[str, Any]) -> None:
    assert check(swept, "soft_redirect")["evidence"] == (
        "soft 404: redirect: a deep URL was redirected to the home page "
        "http://redirecty.example/")
    assert check(swept, "soft_phrase")["evidence"] == (
        'soft 404: phrase: title says "pagina niet gevonden" (nl)')
    assert check(swept, "head405_phrase")["evidence"] == (
        'soft 404: phrase: title says "seite nicht gefunden" (de)')
    assert check(swept, "soft_probe")["evidence"].startswith(
        "soft 404: probe: same page as the host's answer to a nonexistent path (similarity ")


def test_each_host_is_probed_once(swept: dict[str, Any]) -> None:
    probes = [e.host for e in swept["log"] if e.path.startswith("/mentionspider-probe-")]
    assert probes.count("softy.example") == 1
    assert len(probes) == len(set(probes))
    assert "blog.example" not in probes  # only checked hosts are probed


def test_dead_hosts(swept: dict[str, Any]) -> None:
    assert check(swept, "dns")["evidence"] == "proxy reports ERR_DNS_FAIL"
    assert check(swept, "refused_squid")["evidence"] == "proxy reports ERR_CONNECT_FAIL"
    assert check(swept, "dns_https")["evidence"].startswith(
        "the proxy could not open a tunnel to the host: ")
    # a proxy's DNS failure is an answer, not something to retry
    assert [m for m, _, _ in requests_to(swept, LINKS["dns"])] == ["GET"]


def test_private_targets_and_long_urls_are_skipped_without_a_request(swept: dict[str, Any]
                                                                     ) -> None:
    for name in ("private_v4", "private_name", "private_v6", "too_long"):
        row = check(swept, name)
        assert (row["method"], row["attempts"]) == ("", 0), name
        assert requests_to(swept, LINKS[name]) == [], name
    assert check(swept, "private_name")["evidence"] == "not checked: private address"
    assert not any(e.host in ("localhost", "127.0.0.1", "::1") for e in swept["log"])


def test_blocks_are_never_broken(swept: dict[str, Any]) -> None:
    assert check(swept, "bot_wall")["evidence"] == "bot challenge header"
    assert check(swept, "forbidden")["evidence"] == "HTTP 403: the site refuses crawlers"
    targets = {o["target_url"] for o in swept["opportunities"]}
    assert not targets & {LINKS[n] for n, (outcome, _) in EXPECTED.items() if outcome != "broken"}


def test_timeout_is_transient(swept: dict[str, Any]) -> None:
    row = check(swept, "timeout")
    assert row["evidence"].startswith("no answer before the download timeout")
    assert (row["method"], row["attempts"]) == ("GET", 3)


def test_robots_disallowed_target_is_not_fetched(swept: dict[str, Any]) -> None:
    assert requests_to(swept, LINKS["robots"]) == []
    assert any(e.url == "http://private.example/robots.txt" for e in swept["log"])


def test_each_url_checked_once_however_many_pages_link_to_it(swept: dict[str, Any]) -> None:
    assert [m for m, _, _ in requests_to(swept, LINKS["gone"])] == ["GET"]


def test_broken_link_rows_carry_outreach_fields(swept: dict[str, Any]) -> None:
    rows = {(o["page_url"], o["target_url"]): o for o in swept["opportunities"]}
    retired = rows[("http://blog.example/", LINKS["gone"])]
    assert (retired["anchor_text"], retired["rel"], retired["placement"]) == (
        "retired guide", "nofollow", "main")
    assert (retired["linking_pages"], retired["linking_sites"]) == (3, 2)
    assert (retired["evidence"], retired["dead_domain"]) == ("HTTP 410", 0)
    dead = rows[("http://blog.example/", LINKS["dns"])]
    assert (dead["status"], dead["dead_domain"]) == ("dns", 1)
    assert {target for _, target in rows} == {
        LINKS[n] for n, (outcome, _) in EXPECTED.items() if outcome == "broken"}


def test_export_appends_the_outreach_columns(swept: dict[str, Any]) -> None:
    result = run_cli(["export", "--db", str(swept["db"]), "--kind", "broken_link"])
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0]
    assert header.startswith("rank,score,kind,domain,page_url,page_title,target_url,anchor_text,"
                             "status,placement,snippet,reasons,first_seen,last_seen,state,id,"
                             "campaign,evidence,rel,linking_pages,linking_sites,dead_domain,")


def test_soft_404_wording_is_caught_on_a_host_that_otherwise_answers_404(
        swept: dict[str, Any]) -> None:
    assert [m for m, _, _ in requests_to(swept, LINKS["soft_phrase_honest_host"])] == ["GET"]
    assert check(swept, "soft_phrase_honest_host")["evidence"].startswith(
        "soft 404: phrase: title says")
