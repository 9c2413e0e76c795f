"""The browser validator (web/) gives the CLI's findings, and sends nothing anywhere.

The page is built from web/ with npm (as `npm ci && npm run build` does for the docs site),
served by a static server on 127.0.0.1, and driven in Debian's Chromium by playwright-core
(web/test/drive.mjs): it chooses each example return in the page, presses the button, and
downloads the JSON report. Every network request the browser makes is recorded; the browser is
taken offline once the page has loaded, so the checks must run without the network.

Needs node and npm, and Chromium (`apt-get install -y chromium nodejs npm`); `.ci/run` installs
them. Set CSC_SKIP_BROWSER=1 to skip these tests on a machine without them.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, run_cli

WEB = ROOT / "web"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
EXAMPLES = sorted((ROOT / "examples" / "returns" / "valid").glob("*.csv")) + sorted(
    (ROOT / "examples" / "returns" / "invalid").glob("*.csv"))

pytestmark = pytest.mark.skipif(os.environ.get("CSC_SKIP_BROWSER") == "1", reason="CSC_SKIP_BROWSER=1")


def _require_tools() -> None:
    missing = [name for name in ("node", "npm") if shutil.which(name) is None]
    if not Path(CHROMIUM).exists():
        missing.append(f"chromium ({CHROMIUM})")
    if missing:
        pytest.fail(f"the browser tests need {', '.join(missing)}: install them with "
                    "`apt-get install -y chromium nodejs npm` (as .ci/run does), "
                    "or set CSC_SKIP_BROWSER=1 to skip these tests", pytrace=False)


def _run(cmd: list[str], **kw) -> None:
    done = subprocess.run(cmd, cwd=WEB, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        pytest.fail(f"`{' '.join(cmd)}` failed in web/ (exit {done.returncode}):\n{done.stdout[-3000:]}\n"
                    f"{done.stderr[-3000:]}", pytrace=False)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page, built from web/ as the docs site gets it (npm ci first when the lockfile changed)."""
    _require_tools()
    installed = WEB / "node_modules" / ".package-lock.json"
    lock = WEB / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        _run(["npm", "ci", "--no-audit", "--no-fund"], timeout=900)
    out = tmp_path_factory.mktemp("validator")
    _run(["node", "build.mjs"], env={**os.environ, "OUT": str(out)}, timeout=300)
    return out


class _Handler(http.server.SimpleHTTPRequestHandler):
    served: list[str]

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        self.served.append(self.path)
        super().do_GET()


@pytest.fixture(scope="session")
def server(site: Path):
    """A static server on 127.0.0.1 for the built page; it records every path it is asked for."""
    served: list[str] = []
    handler = functools.partial(type("Handler", (_Handler,), {"served": served}), directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", served
    finally:
        httpd.shutdown()
        httpd.server_close()


def drive(url: str, files: list[Path], *extra: str, timeout: int = 900) -> dict:
    done = subprocess.run(["node", "test/drive.mjs", f"{url}/index.html", *extra, *map(str, files)], cwd=WEB,
                          capture_output=True, text=True, timeout=timeout, env={**os.environ, "CHROMIUM": CHROMIUM})
    if done.returncode != 0:
        pytest.fail(f"driving Chromium failed (exit {done.returncode}):\n{done.stderr[-4000:]}", pytrace=False)
    return json.loads(done.stdout)


def _flat(report: dict) -> list[tuple]:
    return sorted((e.get("row") or 0, e.get("field") or "", e["type"]) for t in report["tasks"] for e in t["errors"])


def _cli_report(path: Path) -> dict:
    done = run_cli("validate", str(path), "--format", "json")
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="session")
def examples_run(server) -> dict:
    url, served = server
    before = len(served)
    out = drive(url, EXAMPLES, "--offline")
    out["served"] = served[before:]
    out["url"] = url
    return out


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_page_reports_exactly_what_the_cli_reports(examples_run: dict, path: Path) -> None:
    result = next(r for r in examples_run["results"] if Path(r["file"]) == path)
    assert "error" not in result, result["error"]
    web, cli = result["report"], _cli_report(path)
    assert _flat(web) == _flat(cli)
    # and what a person reads: the same messages, counts and verdict
    assert sorted(e["message"] for e in web["tasks"][0]["errors"]) == sorted(e["message"] for e in cli["tasks"][0]["errors"])
    assert {k: web["stats"][k] for k in ("errors", "warnings", "infos")} == \
        {k: cli["stats"][k] for k in ("errors", "warnings", "infos")}
    assert web["valid"] == cli["valid"]
    assert web["tasks"][0]["stats"]["rows"] == cli["tasks"][0]["stats"]["rows"]
    assert web["meta"]["framework_version"] == cli["meta"]["framework_version"]


def test_examples_cover_every_invalid_example() -> None:
    expected = sorted((ROOT / "examples" / "returns" / "invalid").glob("*.expected.yaml"))
    assert len(expected) >= 7 and all(p.with_name(p.name.replace(".expected.yaml", ".csv")) in EXAMPLES for p in expected)


def test_no_request_leaves_the_page_and_none_after_it_loads(examples_run: dict) -> None:
    requests = examples_run["requests"]
    origin = urlsplit(examples_run["url"])
    assert requests, "the recorder saw no request at all"
    elsewhere = [r["url"] for r in requests
                 if urlsplit(r["url"]).scheme in ("http", "https", "ws", "wss")
                 and urlsplit(r["url"]).netloc != origin.netloc]
    assert elsewhere == []
    assert [r for r in requests if r.get("scheme") not in ("data", "blob")
            and not r["url"].startswith(("data:", "blob:")) and r["phase"] == "after"] == []
    # the server saw nothing the browser's recorder did not (a request the recorder missed would show here)
    recorded = {urlsplit(r["url"]).path for r in requests if r["url"].startswith(examples_run["url"])}
    assert {urlsplit(p).path for p in examples_run["served"]} <= recorded
    # every check ran with the browser offline (drive.mjs --offline), and gave a report
    assert all("report" in r for r in examples_run["results"])


def test_xlsx_return_gives_the_cli_findings(server, tmp_path: Path) -> None:
    """An Excel return, with a title row above the header, is read in the page as the CLI reads it."""
    import csv

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Return"
    sheet.append(["Return for 2025"])
    with open(ROOT / "examples" / "returns" / "invalid" / "indicator.csv", encoding="utf-8", newline="") as f:
        for row in csv.reader(f):
            sheet.append([float(c) if c.replace(".", "", 1).lstrip("-").isdigit() and "." in c else
                          int(c) if c.lstrip("-").isdigit() else c for c in row])
    path = tmp_path / "indicator.xlsx"
    book.save(path)
    url, _ = server
    out = drive(url, [path], "--header-row", "2")
    result = out["results"][0]
    assert "error" not in result, result["error"]
    done = run_cli("validate", str(path), "--header-row", "2", "--format", "json")
    cli = json.loads(done.stdout)
    assert _flat(result["report"]) == _flat(cli)
    assert len(_flat(cli)) >= 10


def test_a_file_that_is_not_utf8_is_refused_with_what_to_do(server, tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    text = (ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv").read_text(encoding="utf-8")
    path.write_bytes(text.replace("England", "Engl\u00e9nd", 1).encode("cp1252"))
    url, _ = server
    out = drive(url, [path])
    message = out["results"][0].get("error") or ""
    assert "not UTF-8" in message and "line 2" in message and "Windows-1252" in message
    cli = run_cli("validate", str(path))
    assert cli.returncode == 2 and "line 2" in cli.stderr + cli.stdout


def test_completeness_against_a_set_gives_the_cli_findings(server) -> None:
    """The page's indicator-set option runs the pack's set checks, as `--set S --require-complete` does."""
    path = ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"
    url, _ = server
    out = drive(url, [path], "--set", "hertfordshire-kpi", "--require-complete")
    result = out["results"][0]
    assert "error" not in result, result["error"]
    done = run_cli("validate", str(path), "--set", "hertfordshire-kpi", "--require-complete", "--format", "json")
    cli = json.loads(done.stdout)
    assert _flat(result["report"]) == _flat(cli)
    assert {t for _, _, t in _flat(cli)} >= {"set-indicator-missing"}
    assert result["report"]["valid"] is cli["valid"] is False
    assert result["report"]["stats"]["errors"] == cli["stats"]["errors"]


def test_the_page_works_from_the_keyboard_and_labels_every_control(server, site: Path) -> None:
    """Tab to the button, Enter; the report's heading takes the focus (a screen reader reads the
    verdict); Tab on to the JSON download, Enter. Every control has a label a screen reader reads."""
    import html.parser

    path = ROOT / "examples" / "returns" / "invalid" / "time.csv"
    url, _ = server
    result = drive(url, [path], "--keyboard")["results"][0]
    assert "error" not in result, result["error"]
    assert result["focused"].strip() == "time.csv: not valid"
    assert _flat(result["report"]) == _flat(_cli_report(path))

    class Controls(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.controls: list[str] = []
            self.labels: set[str] = set()
            self.lang = None

        def handle_starttag(self, tag, attrs) -> None:
            a = dict(attrs)
            if tag == "html":
                self.lang = a.get("lang")
            if tag in ("input", "select", "textarea"):
                self.controls.append(a.get("id"))
            if tag == "label" and a.get("for"):
                self.labels.add(a["for"])

    page = Controls()
    page.feed((site / "index.html").read_text(encoding="utf-8"))
    assert page.lang == "en"
    assert len(page.controls) >= 7 and all(c in page.labels for c in page.controls)


def _awkward_csv(path: Path) -> None:
    """Rows a spreadsheet export can produce: empty lines, short and long rows, a short row of empty
    cells, a cell spanning two lines, a quote inside an unquoted cell, and a quote never closed on
    the last line."""
    lines = (ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv").read_text(encoding="utf-8").splitlines()
    head, rows = lines[0], lines[1:40]
    rows[3] = rows[12] = rows[13] = ""
    rows[5] = ",".join(rows[5].split(",")[:9])
    rows[7] += ",extra,cells"
    cells = rows[9].split(",")
    cells[9] = '"Herts\nshire"'
    rows[9] = ",".join(cells)
    cells = rows[20].split(",")
    cells[9] = 'Camden "the" borough'
    rows[20] = ",".join(cells)
    rows[14] = ","  # a blank row that is also short: blank-row only, not missing-cell on every cell
    rows.append('2025,"Reporting year,Local authority')
    path.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8", newline="")


def test_awkward_files_are_read_as_the_cli_reads_them(server, tmp_path: Path) -> None:
    """Row numbers survive empty lines and multi-line cells; short, long and broken rows are named;
    UTF-16 (Excel's 'Unicode text') and a UTF-8 byte-order mark are read."""
    awkward = tmp_path / "awkward.csv"
    _awkward_csv(awkward)
    source = (ROOT / "examples" / "returns" / "invalid" / "indicator.csv").read_text(encoding="utf-8")
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(source.encode("utf-16"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(source.encode("utf-8-sig"))
    url, _ = server
    results = drive(url, [awkward, utf16, bom])["results"]
    for path, result in zip([awkward, utf16, bom], results):
        assert "error" not in result, (path.name, result["error"])
        cli = _cli_report(path)
        assert _flat(result["report"]) == _flat(cli), path.name
        assert result["report"]["tasks"][0]["stats"] == cli["tasks"][0]["stats"], path.name
    assert {t for _, _, t in _flat(results[0]["report"])} >= {"blank-row", "missing-cell", "extra-cell", "source-error"}


@pytest.mark.slow
def test_error_dense_return_lists_and_counts_as_the_cli_does(server, tmp_path: Path) -> None:
    """A national return with mixed errors in 10% of rows, and one error on every row: the page
    lists the same first 1,000 of each type and counts the rest exactly as the CLI does."""
    import csv
    import sys

    mixed = tmp_path / "mixed.csv"
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "national.py"), str(mixed), "--rows", "6000",
                           "--error-rate", "0.1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    every = tmp_path / "every-row.csv"
    with open(mixed, encoding="utf-8", newline="") as src, open(every, "w", encoding="utf-8", newline="") as out:
        rows = list(csv.reader(src))
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(rows[0])
        at = rows[0].index("value")
        writer.writerows(r[:at] + ["n/a"] + r[at + 1:] if len(r) > at else r for r in rows[1:])
    url, _ = server
    results = drive(url, [mixed, every])["results"]
    for path, result in zip([mixed, every], results):
        assert "error" not in result, result["error"]
        web, cli = result["report"], _cli_report(path)
        assert _flat(web) == _flat(cli), path.name
        assert web["stats"]["errors"] == cli["stats"]["errors"] and web["stats"]["warnings"] == cli["stats"]["warnings"]
        assert web["tasks"][0].get("unlisted") == cli["tasks"][0].get("unlisted")
    assert results[1]["report"]["tasks"][0]["unlisted"]["type-error"] >= 4000


def test_the_site_offers_every_shipped_release_with_its_own_pack(site: Path) -> None:
    from csc_outcomes.releases import available_versions
    from csc_outcomes.releases import HERE as RELEASES

    offered = json.loads((site / "releases" / "releases.json").read_text(encoding="utf-8"))["versions"]
    assert offered == list(reversed(available_versions()))
    for version in offered:
        shipped = json.loads((RELEASES / version / "rulepack.json").read_text(encoding="utf-8"))
        assert json.loads((site / "releases" / version / "rulepack.json").read_text(encoding="utf-8")) == shipped
    # DuckDB's files are served with the page, not fetched from elsewhere
    assert (site / "duckdb" / "duckdb-eh.wasm").stat().st_size > 10_000_000
    assert "https://" not in (site / "index.html").read_text(encoding="utf-8")
