"""The ``mentionspider`` command: thin wrappers over the library."""

from __future__ import annotations

import os
import signal
import sys
import time
from datetime import datetime, timezone
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mentionspider import export as exporting
from mentionspider.campaign import Campaign, CampaignError, load_campaign
from mentionspider.search.config import SearchConfig
from mentionspider.opportunities import KINDS
from mentionspider.overrides import SettingError, parse_overrides
from mentionspider import store as storing
from mentionspider.store import OUTREACH_STATES, RunLocked, Store, StoreError

__all__ = ["cli"]


class CampaignFileError(click.ClickException):
    """A bad campaign file: one line, exit code 2, before any request."""

    exit_code = 2


def _load(path: str) -> Campaign:
    try:
        return load_campaign(path)
    except CampaignError as exc:
        raise CampaignFileError(str(exc)) from None


class DatabaseProblem(click.ClickException):
    """A database that cannot be used as asked: one line, the exit code of its kind
    (README, "Exit codes")."""

    def __init__(self, error: StoreError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click's ClassVar, per error here


def _open_store(db: str, *, create: bool = False, readonly: bool = False) -> Store:
    try:
        return Store(db, create=create, readonly=readonly)
    except StoreError as exc:
        raise DatabaseProblem(exc) from None


class _Group(click.Group):
    """Turns a database error met halfway through a command (a damaged page read by a
    query) into one line with its exit code, like the errors met when opening."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["mentionspider_args"] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise DatabaseProblem(exc) from None
        except storing.sqlite3.Error as exc:
            raise DatabaseProblem(storing.database_error(_db_argument(ctx), exc)) from None


def _db_argument(ctx: click.Context) -> str:
    args = ctx.meta.get("mentionspider_args", [])
    for i, arg in enumerate(args):
        if arg == "--db" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--db="):
            return arg[5:]
    return "the database"


def db_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--db", "db", required=True, type=click.Path(dir_okay=False),
                        help="SQLite database file.")(fn)


class BadInput(click.ClickException):
    """Bad options or settings: one line, exit code 2, before any request."""

    exit_code = 2


def _parse_settings(values: tuple[str, ...]) -> dict[str, Any]:
    try:
        return parse_overrides(values)
    except SettingError as exc:
        raise BadInput(f"-s {exc}") from None


def _folder_must_exist(option: str, path: str | Path) -> None:
    folder = Path(path).resolve().parent
    if not folder.is_dir():
        raise BadInput(f"{option} {path}: folder {folder} does not exist")


@click.group(cls=_Group)
@click.version_option(package_name="mentionspider")
def cli() -> None:
    """Find link-building prospects: unlinked brand mentions, broken outbound links and
    competitor link-gap pages, ranked for outreach.

    Example: mentionspider sweep acme.toml --db acme.db && mentionspider export --db acme.db
    """


EXIT_STOPPED = 130


@cli.command()
@click.argument("campaign_file", type=click.Path(dir_okay=False))
@db_option
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override a Scrapy or MENTIONSPIDER_* setting (repeatable).")
@click.option("--log-level", default="WARNING", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False),
              help="What the terminal shows; the log file gets INFO and above.")
@click.option("--log-file", type=click.Path(dir_okay=False),
              help="Full log, tracebacks included, appended (default: next to the database, "
                   "acme.db -> acme.log).")
@click.option("-q", "--quiet", is_flag=True, help="No progress lines.")
@click.option("--redis", "redis_url", metavar="URL",
              help="Distributed mode: share the crawl through Redis (redis://HOST:6379/0).")
@click.option("--workers", type=click.IntRange(1), default=1, show_default=True,
              help="With --redis: worker processes to start on this machine.")
@click.option("--resume", is_flag=True,
              help="With --redis: go on with the run Redis holds instead of starting over.")
def sweep(campaign_file: str, db: str, settings: tuple[str, ...], log_level: str,
          log_file: str | None, quiet: bool, redis_url: str | None, workers: int,
          resume: bool) -> None:
    """Crawl a campaign's seed sites, analyse every page, check outbound links and store
    the findings. Ends with a one-screen summary compared with the previous run.

    Exit codes: 0 the run completed and fetched pages; 1 it ran but failed (no page
    fetched, an internal error, another sweep of the campaign running), the reason on the
    last line; 2 bad input (campaign, options, settings), before any request; 130 stopped
    by SIGINT or SIGTERM (the run recorded as stopped, the store intact).

    Example: mentionspider sweep acme.toml --db acme.db
    """
    from mentionspider.runner import default_log_file, run_sweep

    campaign = _load(campaign_file)
    overrides = _parse_settings(settings)
    _folder_must_exist("--db", db)
    log_path = Path(log_file) if log_file else default_log_file(db)
    _folder_must_exist("--log-file", log_path)
    if quiet:
        overrides.setdefault("MENTIONSPIDER_PROGRESS", "off")
    _check_browser(campaign, overrides)
    if redis_url:
        _redis_must_answer(redis_url)
    store = _open_store(db, create=True)  # fail on a bad database before any request
    try:
        store.check_writable()
        note = store.acquire_run_lock(campaign.name)
    except RunLocked as exc:
        raise click.ClickException(str(exc)) from None
    except StoreError as exc:
        raise DatabaseProblem(exc) from None
    finally:
        store.close()
    if note:
        click.echo(f"Note: {note}", err=True)
    started = time.monotonic()
    if redis_url:
        try:
            _distributed_sweep(campaign, db, redis_url, workers, overrides, resume, log_level,
                               started)
        finally:
            store = _open_store(db)
            try:
                store.release_run_lock(campaign.name)
            finally:
                store.close()
        return
    # Until Scrapy installs its own handlers, SIGTERM stops the sweep like Ctrl-C.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        result = run_sweep(campaign, db, overrides, log_file=log_path, log_level=log_level,
                           show_progress=not quiet)
    except KeyboardInterrupt:
        click.echo("Stopped before the crawl started", err=True)
        sys.exit(EXIT_STOPPED)
    finally:
        signal.signal(signal.SIGTERM, previous)
        store = _open_store(db)
        try:
            store.release_run_lock(campaign.name)
        finally:
            store.close()
    code, reason = _settle(db, result)
    if result.run_id:
        _print_summary(db, campaign.name, result.run_id, result.stats,
                       time.monotonic() - started, campaign.search)
    if code:
        click.echo(reason, err=True)
        sys.exit(code)


def _redis_must_answer(url: str) -> None:
    """Distributed mode without a Redis: one line, exit code 2, before any request."""
    from mentionspider.distributed.connection import RedisUnavailable, connect

    try:
        connect(url).close()
    except RedisUnavailable as exc:
        raise CampaignFileError(f"--redis: {exc}") from None


def _distributed_sweep(campaign: Campaign, db: str, url: str, workers: int,
                       overrides: dict[str, Any], resume: bool, log_level: str,
                       started: float) -> None:
    from mentionspider.distributed.cluster import run_coordinator
    from mentionspider.distributed.connection import RedisUnavailable

    try:
        result = run_coordinator(campaign, db, url, workers=workers, overrides=overrides,
                                 resume=resume, log_level=log_level.upper())
    except RedisUnavailable as exc:
        raise CampaignFileError(f"--redis: {exc}") from None
    _print_summary(db, campaign.name, result.run_id, result.stats,
                   time.monotonic() - started, campaign.search)
    if result.error:
        click.echo(f"Error: run {result.run_id} stopped: {result.error}; the database keeps "
                   "every item written before (sweep --resume goes on if Redis kept its data)",
                   err=True)
        sys.exit(1)
    if result.status != "finished":
        click.echo(f"Error: run {result.run_id} {result.status}; the database keeps every "
                   "item that reached the writer (--resume goes on)", err=True)
        sys.exit(1)


@cli.command()
@click.option("--redis", "redis_url", required=True, metavar="URL",
              help="The Redis of a running distributed sweep (redis://HOST:6379/0).")
@click.option("--log-level", default="WARNING", show_default=True,
              type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"], case_sensitive=False))
@click.option("--local", is_flag=True, hidden=True,
              help="Started by sweep --redis, which reports why the sweep stopped.")
def worker(redis_url: str, log_level: str, local: bool) -> None:
    """Join a distributed sweep as one more worker, on this or another machine; it stops
    when the sweep is over. Exit codes: 0 done, 1 stopped (Redis lost), 2 no Redis or no
    sweep to join.

    Example: mentionspider worker --redis redis://10.0.0.5:6379/0
    """
    from mentionspider.distributed.cluster import NoSweep, run_worker
    from mentionspider.distributed.connection import RedisUnavailable

    try:
        reason, error = run_worker(redis_url, {"LOG_LEVEL": log_level.upper()},
                                   parent=os.getppid() if local else 0)
    except (RedisUnavailable, NoSweep) as exc:
        raise CampaignFileError(f"--redis: {exc}") from None
    if reason != "finished":
        if not local:
            click.echo(f"Error: worker stopped: {error or reason}", err=True)
        sys.exit(1)


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _settle(db: str, result: Any) -> tuple[int, str]:
    """The exit code and last line of a sweep; records a failed run as such."""
    if result.signal:
        name = signal.Signals(result.signal).name
        reason = f"Stopped by {name}: the run is recorded as stopped, the store is intact"
        code = EXIT_STOPPED
    elif result.errors:
        more = f" ({len(result.errors)} internal errors)" if len(result.errors) > 1 else ""
        reason = (f"Error: internal error: {result.errors[0]}{more}; "
                  f"traceback in {result.log_file}")
        code = 1
    elif not result.run_id:
        return 1, f"Error: the crawl did not start; see {result.log_file}"
    else:
        failed = result.stats.get("mentionspider/seeds/failed") or {}
        store = _open_store(db)
        try:
            pages = store.run(result.run_id).pages
        finally:
            store.close()
        if pages:
            return 0, ""
        why = ("every seed failed: " + ", ".join(f"{url} ({kind})" for url, kind in failed.items())
               if failed else "no page could be analysed")
        return 1, f"Error: no page fetched: {why}"
    if result.run_id:
        store = _open_store(db)
        try:
            if code == EXIT_STOPPED:  # a second signal stops before the store says goodbye
                store.end_run(result.run_id, "stopped: forced", only_running=True)
            else:
                store.end_run(result.run_id, "failed: internal error")
        finally:
            store.close()
    return code, reason


def _check_browser(campaign: Campaign, overrides: dict[str, Any]) -> None:
    """A run that may render needs Chromium: say so before any request."""
    from mentionspider.render.browser import BrowserSetupError, find_chromium
    from mentionspider.render.setup import render_policy
    from mentionspider.runner import project_settings

    if render_policy(campaign).can_render:
        try:
            find_chromium(project_settings(overrides).get("MENTIONSPIDER_CHROMIUM"))
        except BrowserSetupError as exc:
            raise CampaignFileError(str(exc)) from None


def _print_summary(db: str, campaign: str, run_id: int, stats: dict[str, Any],
                   seconds: float, search: SearchConfig | None = None) -> None:
    from mentionspider.summary import change_lines

    store = _open_store(db)
    try:
        run = store.run(run_id)
        by_kind = store.opportunity_counts(campaign, run_id)
        history = store.runs(campaign)
    finally:
        store.close()
    this = next(r for r in history if r["id"] == run_id)
    previous = next((r for r in reversed(history) if r["id"] < run_id), None)
    pick = lambda prefix: sum(v for k, v in stats.items()  # noqa: E731
                              if k.startswith(prefix) and isinstance(v, int))
    lines = [
        f"Run {run.id} of campaign {campaign!r}: {run.status} in {seconds:.1f}s",
        f"  pages analysed      {run.pages} ({run.pages - run.rendered_pages} raw, "
        f"{run.rendered_pages} rendered"
        + (f"; {run.render_fallbacks} fell back to raw HTML" if run.render_fallbacks else "")
        + (f"; run {previous['id']}: {previous['pages']})" if previous else ")"),
        f"  brand mentions      {run.mentions}",
        f"  links checked       {run.links_checked} "
        f"(reused {stats.get('mentionspider/linkcheck/reused', 0)} fresh verdicts)",
        f"  broken targets      {run.broken_links}",
        f"  opportunities       {sum(seen for seen, _ in by_kind.values())} "
        f"({run.new_opportunities} new)",
    ]
    lines += [f"    {kind:<20}{seen} ({new} new)" for kind, (seen, new) in by_kind.items()]
    lines += change_lines(this, previous)
    if search is not None:
        from mentionspider.search.report import summary_lines

        lines += summary_lines(stats, search)
    lines += [
        f"  robots.txt skipped  {pick('mentionspider/pages/robots_disallowed')}",
        f"  over site budget    {pick('mentionspider/frontier/site_budget')}",
        *_robots_errors(stats),
        f"  errors              {run.errors}",
        f"Database: {db}",
    ]
    click.echo("\n".join(lines))


def _robots_errors(stats: dict[str, Any]) -> list[str]:
    """The hosts whose robots.txt answered 5xx or could not be reached (RFC 9309: all
    disallowed for the run), named."""
    hosts = stats.get("mentionspider/robots/disallowed_hosts") or []
    if not hosts:
        return []
    shown = ", ".join(hosts[:5]) + (f" and {len(hosts) - 5} more" if len(hosts) > 5 else "")
    return [f"  robots.txt errors   {len(hosts)} host(s) disallowed for this run: {shown}"]


@cli.command(name="export")
@db_option
@click.option("--campaign", help="Only this campaign (default: all).")
@click.option("--format", "fmt", type=click.Choice(exporting.FORMATS), default="csv",
              show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="File to write (default: standard output; required for xlsx).")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS),
              help="Only these kinds (repeatable).")
@click.option("--min-score", type=click.IntRange(0, 100), default=0, show_default=True)
@click.option("--all", "include_inactive", is_flag=True,
              help="Include opportunities that no longer hold on their last crawl "
                   "(their active column is 0).")
@click.option("--per-domain", is_flag=True,
              help="Only the best row of each registered domain; more_on_domain says how "
                   "many more it has.")
@click.option("--limit", type=click.IntRange(1), help="At most this many rows.")
@click.option("--skip-contacted-days", type=click.IntRange(1), metavar="N",
              help="Leave out sites with a row contacted, replied, won or lost in the last "
                   "N days.")
@click.option("--bom", is_flag=True, help="Start a CSV with a UTF-8 byte-order mark (Excel).")
@click.option("--new-since", metavar="last|RUN_ID|DATE",
              help="Only rows first seen in the campaign's last run (last), after run RUN_ID, "
                   "or on or after DATE (2026-12-01).")
@click.option("--state", "states", multiple=True, type=click.Choice(OUTREACH_STATES),
              help="Only rows in these outreach states (repeatable; retired rows included).")
def export_command(db: str, campaign: str | None, fmt: str, output: str | None,
                   kinds: tuple[str, ...], min_score: int, include_inactive: bool,
                   per_domain: bool, limit: int | None, skip_contacted_days: int | None,
                   bom: bool, new_since: str | None, states: tuple[str, ...]) -> None:
    """Write the ranked opportunities, best first, with the reasons for each rank.

    Example: mentionspider export --db acme.db --campaign acme --per-domain -o prospects.csv
    """
    if fmt == "xlsx" and not output:
        raise click.UsageError("--format xlsx needs -o FILE")
    if output and not Path(output).resolve().parent.is_dir():
        raise click.ClickException(f"{output}: folder {Path(output).parent} does not exist")
    store = _open_store(db, readonly=True)
    try:
        store.verify_table("opportunities")  # a damaged page must not drop rows silently
        if campaign and campaign not in store.campaigns():
            raise click.ClickException(f"no campaign {campaign!r} in {db}")
        since = _new_since(store, new_since) if new_since else None
        opportunities = store.ranked_opportunities(
            campaign, kinds=kinds, include_inactive=include_inactive, min_score=min_score,
            states=states, new_since=since)
        if skip_contacted_days:
            skip = store.recently_contacted_domains(campaign, skip_contacted_days)
            opportunities = [o for o in opportunities if o["domain"] not in skip]
    finally:
        store.close()
    if per_domain:
        opportunities = exporting.per_domain(opportunities)
    rows = exporting.ranked_rows(opportunities[:limit] if limit else opportunities)
    try:
        if fmt == "xlsx":
            exporting.write_xlsx(rows, output or "")
        elif output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                _write_text(fmt, rows, out, bom)
        else:
            _write_text(fmt, rows, sys.stdout, bom)
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write: {exc.strerror or exc}") from None
    if output:
        click.echo(f"Wrote {len(rows)} opportunities to {output}", err=True)


def _new_since(store: Store, value: str) -> tuple[str, Any]:
    """``--new-since``: ("last", None), ("run", id) or ("time", ISO text)."""
    if value == "last":
        return "last", None
    if value.isdigit():
        if not any(run["id"] == int(value) for run in store.runs()):
            raise BadInput(f"--new-since: no run {value} in {store.path}")
        return "run", int(value)
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(f"--new-since: expected last, a run id or a date (2026-12-01), "
                       f"got {value!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return "time", when.astimezone(timezone.utc).isoformat(timespec="seconds")


def _write_text(fmt: str, rows: list[dict[str, Any]], out: Any, bom: bool) -> None:
    if fmt == "csv":
        exporting.write_csv(rows, out, bom=bom)
    else:
        exporting.write_json(rows, out)


@cli.command()
@db_option
@click.option("--campaign", help="Only this campaign.")
def runs(db: str, campaign: str | None) -> None:
    """List the runs recorded in a database, oldest first.

    Example: mentionspider runs --db acme.db
    """
    from mentionspider.summary import runs_table

    store = _open_store(db, readonly=True)
    try:
        rows = store.runs(campaign)
    finally:
        store.close()
    click.echo("\n".join(runs_table(rows)))


@cli.command()
@click.argument("opportunity_id")
@click.argument("state", type=click.Choice(OUTREACH_STATES))
@db_option
@click.option("--note", help="A note kept with the opportunity.")
def state(opportunity_id: str, state: str, db: str, note: str | None) -> None:
    """Record the outreach state of an opportunity (kept across reruns).

    Example: mentionspider state 3f2a9c0d1e2b4a5c contacted --db acme.db --note "emailed Jo"
    """
    store = _open_store(db)
    try:
        store.set_state(opportunity_id, state, note)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()
    click.echo(f"{opportunity_id}: {state}")


@cli.command()
@click.argument("campaign_file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Print the queries; send nothing.")
@click.option("-s", "--set", "settings", multiple=True, metavar="NAME=VALUE",
              help="Override a MENTIONSPIDER_* setting (repeatable).")
def search(campaign_file: str, dry_run: bool, settings: tuple[str, ...]) -> None:
    """Print, per search provider, the exact queries a sweep of the campaign would send
    (after filling in the placeholders and rewriting the operators the provider lacks),
    and what is enforced on the results. `sweep` runs them.

    Example: mentionspider search acme.toml --dry-run
    """
    campaign = _load(campaign_file)
    if campaign.search is None:
        raise CampaignFileError(f"{campaign_file}: search: missing table: the campaign "
                                "has no [search]")
    if not dry_run:
        raise click.UsageError("only --dry-run is supported: `mentionspider sweep` runs the "
                               "searches")
    from mentionspider.runner import project_settings
    from mentionspider.search.report import dry_run_lines
    from mentionspider.spiders._search import placeholder_values

    brave_url = project_settings(_parse_settings(settings)).get("MENTIONSPIDER_SEARCH_BRAVE_URL")
    click.echo("\n".join(dry_run_lines(campaign.search, placeholder_values(campaign),
                                       brave_url=brave_url)))


@cli.command()
@db_option
def migrate(db: str) -> None:
    """Bring a database made by an older mentionspider up to this version's schema
    (sweep and state do it themselves; export and runs only read and ask for this).

    Example: mentionspider migrate --db acme.db
    """
    store = _open_store(db)
    store.close()
    click.echo(f"{db}: " + (f"applied {', '.join(store.migrated)}" if store.migrated
                            else "up to date"))


@cli.command(name="check-db")
@db_option
def check_db(db: str) -> None:
    """Run SQLite's integrity check on a database (read-only) and say what it found.
    Exits 0 when the file is whole, 4 when it is damaged.

    Example: mentionspider check-db --db acme.db
    """
    try:
        ok, lines = storing.check_database(db)
    except StoreError as exc:
        raise DatabaseProblem(exc) from None
    click.echo("\n".join(lines))
    if not ok:
        raise SystemExit(storing.CorruptDatabase.exit_code)


@cli.command()
@db_option
@click.option("--campaign", help="Only this campaign (default: all).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="HTML file to write.")
def report(db: str, campaign: str | None, output: str) -> None:
    """Write one self-contained HTML page (no network needed to open it): the run history
    with a chart, what is new since the last run, the ranked list (sortable, filterable
    by kind and state), the top sites and the most-linked dead targets.

    Example: mentionspider report --db acme.db --campaign acme -o report.html
    """
    from mentionspider.report import render_report
    from mentionspider.store import utcnow

    if not Path(output).resolve().parent.is_dir():
        raise click.ClickException(f"{output}: folder {Path(output).parent} does not exist")
    store = _open_store(db, readonly=True)
    try:
        if campaign and campaign not in store.campaigns():
            raise click.ClickException(f"no campaign {campaign!r} in {db}")
        data = store.report_data(campaign)
    finally:
        store.close()
    title = f"mentionspider: {campaign}" if campaign else f"mentionspider: {Path(db).name}"
    page = render_report(data, title=title, generated=utcnow())
    try:
        Path(output).write_text(page, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"{output}: cannot write: {exc.strerror or exc}") from None
    click.echo(f"Wrote the report of {len(data['runs'])} runs and "
               f"{len(data['opportunities'])} opportunities to {output}", err=True)


@cli.command(name="check-campaign")
@click.argument("campaign_file", type=click.Path(dir_okay=False))
def check_campaign(campaign_file: str) -> None:
    """Validate a campaign file without crawling.

    Example: mentionspider check-campaign acme.toml
    """
    campaign = _load(campaign_file)
    providers = len(campaign.search.providers) if campaign.search else 0
    searching = f", {providers} search provider{'s' * (providers != 1)}" if providers else ""
    click.echo(f"{campaign_file}: ok (campaign {campaign.name!r}, "
               f"{len(campaign.crawl.seeds)} seeds, {len(campaign.brand_names)} brand names"
               f"{searching})")


@cli.command(name="explain-placement")
@click.argument("source")
@click.option("--width", type=int, default=80, show_default=True,
              help="Characters of each block's text to print (0: all).")
def explain_placement_command(source: str, width: int) -> None:
    """Print every text block of a page with its placement and the rule that made it.

    SOURCE is an HTML file or an http(s) URL (fetched once, through http_proxy if set).

    Example: mentionspider explain-placement saved-page.html
    """
    from mentionspider.analysis.document import explain_placement

    if source.startswith(("http://", "https://")):
        import urllib.error
        import urllib.request

        from mentionspider import __version__

        agent = f"mentionspider/{__version__} (explain-placement)"
        request = urllib.request.Request(source, headers={"User-Agent": agent})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                html, url = response.read(), response.geturl()
                encoding = response.headers.get_content_charset()
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise click.ClickException(f"{source}: {exc}") from None
    else:
        path = Path(source)
        if not path.is_file():
            click.echo(f"Error: {source}: no such file", err=True)
            sys.exit(2)
        html, url, encoding = path.read_bytes(), path.resolve().as_uri(), None
    for block in explain_placement(html, url, encoding):
        text = block.text if not width or len(block.text) <= width else block.text[:width - 1] + "…"
        click.echo(f"{block.placement:<8}  {text}\n          <- {block.rule}")


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="demo-output",
              show_default=True, help="Where the database and the CSV go.")
@click.option("--top", type=int, default=10, show_default=True, help="Rows to print.")
def demo(out_dir: str, top: int) -> None:
    """Sweep the bundled sample web (served locally through a proxy, with a fake SearXNG
    instance for its search discovery) and print the top of the ranked prospect list.

    Example: mentionspider demo --out demo-output
    """
    from mentionspider.runner import run_sweep
    from mentionspider.virtualweb.testing import running_web, sample_web_dir

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    db, csv_path = out / "demo.db", out / "prospects.csv"
    campaign = _load(str(sample_web_dir() / "campaign.toml"))
    with running_web() as web:
        click.echo(f"Sample web served through proxy {web.url}")
        started = time.monotonic()
        result = run_sweep(campaign, db, {"MENTIONSPIDER_PROGRESS": "off"})
    if not result.run_id:
        raise click.ClickException(f"the crawl did not start; see {result.log_file}")
    _print_summary(str(db), campaign.name, result.run_id, result.stats,
                   time.monotonic() - started, campaign.search)
    store = _open_store(str(db))
    try:
        rows = exporting.ranked_rows(store.ranked_opportunities(campaign.name))
    finally:
        store.close()
    with open(csv_path, "w", encoding="utf-8", newline="") as fh:
        exporting.write_csv(rows, fh)
    click.echo(f"\nTop {min(top, len(rows))} of {len(rows)} prospects:")
    for row in rows[:top]:
        target = f" -> {row['target_url']} ({row['status']})" if row["target_url"] else ""
        found = (f"\n       found through {row['source']}"
                 if row.get("source") not in ("", "seed", None) else "")
        click.echo(f"{row['rank']:>3}. [{row['score']:>3}] {row['kind']:<18} "
                   f"{row['page_url']}{target}\n       {row['reasons']}{found}")
    click.echo(f"\nFull CSV: {csv_path}\nDatabase: {db}")


if __name__ == "__main__":  # pragma: no cover
    cli()
