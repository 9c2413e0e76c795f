"""compare: every figure it gives for the published years is recomputed here another way, in plain
Python over DfE's published CSV files and DfE's statistical-neighbour lookups (no DuckDB, no
baseline), then the authority's own returns appear beside them marked unpublished."""

from __future__ import annotations

import csv
import json
import math
import os
import shutil
import statistics
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import DATA, ROOT

DFE = DATA / "dfe"
NEIGHBOURS = ROOT / "src" / "csc_outcomes" / "compare" / "neighbours"
AUTHORITIES = ["919", "886", "202", "815", "370"]  # Hertfordshire, Kent, Camden (Inner London), North Yorkshire, Barnsley
SYMBOLS = {"c", "k", "low", "x", "z", "u", ""}


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _neighbours(model: str) -> dict[str, list[str]]:
    with open(NEIGHBOURS / f"sn_{model}.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    cols = [i for i, h in enumerate(rows[0]) if h in {f"SN{n}" for n in range(1, 11)} | {f"SN_{n}" for n in range(1, 11)}]
    return {r[0].strip(): [r[i].strip() for i in cols] for r in rows[1:] if r and r[0].strip()}


def _quantile(values: list[float], q: float) -> float:
    """R's default (type 7): linear interpolation between order statistics."""
    xs = sorted(values)
    h = (len(xs) - 1) * q
    lo = math.floor(h)
    return xs[lo] + (h - lo) * (xs[min(lo + 1, len(xs) - 1)] - xs[lo])


def _number(text: str) -> float | None:
    text = (text or "").strip()
    return None if text in SYMBOLS else float(text)


def _plain_mapping(spec: dict, m: dict) -> bool:
    """A mapping whose published value is one cell of one row, for the Total: the rows a plain
    reading of the file can pick out without the harmoniser's transforms."""
    value = m.get("value") or {}
    return (not spec.get("reshape") and not spec.get("rename") and "column" in value and not value.get("row")
            and "breakdown" not in m and "breakdown_topic" not in m and "value" not in (spec.get("period") or {}))


def _published(spec_file: Path) -> dict[str, list[dict]]:
    """indicator -> the published rows DfE's file holds for it (the spec's declarative filters, read as data)."""
    spec = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    if spec["source"]["format"] != "csv":
        return {}
    rows = [row for name in spec["source"]["files"] for row in _rows(DFE / name)]

    def selected(row: dict, conditions: list[dict]) -> bool:
        for c in conditions:
            if c["column"] == "geographic_level":
                continue
            value = row.get(c["column"])
            if "equals" in c and value != str(c["equals"]):
                return False
            if "in" in c and value not in [str(v) for v in c["in"]]:
                return False
            if "not_in" in c and value in [str(v) for v in c["not_in"]]:
                return False
        return True

    out = {}
    for m in spec["indicators"]:
        if not _plain_mapping(spec, m):
            continue
        column = m["value"]["column"]
        out[m["indicator"]] = [{**r, "_value": r[column]} for r in rows
                               if selected(r, (spec.get("where") or []) + (m.get("where") or []))]
    return out


def _independent(indicator: str, rows: list[dict], la: str, model: str, hoped: str) -> dict | None:
    """The latest published period's figures for `la`, from the file's rows alone (None when the
    file has no number for it: a national-only figure, or a suppressed authority)."""
    las = [r for r in rows if r["geographic_level"] == "Local authority"]
    mine = [r for r in las if r["old_la_code"] == la and _number(r["_value"]) is not None]
    if not mine:
        return None
    period = max(r["time_period"] for r in mine)
    me = next(r for r in mine if r["time_period"] == period)
    values = {r["old_la_code"]: _number(r["_value"]) for r in las if r["time_period"] == period}
    values = {k: v for k, v in values.items() if v is not None}
    near = [values[c] for c in _neighbours(model)[la] if c in values]
    x = values[la]
    others = [v for k, v in values.items() if k != la]
    out = {"time_period": period, "la_value": x, "sn_mean": statistics.fmean(near) if near else None,
           "sn_median": statistics.median(near) if near else None, "sn_count": len(near)}
    region = [r for r in rows if r["geographic_level"] == "Regional" and r["time_period"] == period
              and r["region_code"] == me["region_code"]]
    england = [r for r in rows if r["geographic_level"] == "National" and r["time_period"] == period]
    out["region_value"] = _number(region[0]["_value"]) if region else None
    out["england_value"] = _number(england[0]["_value"]) if england else None
    if hoped in ("increase", "decrease"):
        better = [v for v in others if (v > x if hoped == "increase" else v < x)]
        out["rank"], out["n_ranked"] = 1 + len(better), 1 + len(others)
        q1, q2, q3 = (_quantile(list(values.values()), q) for q in (0.25, 0.5, 0.75))
        quarter = 0 if x <= q1 else 1 if x <= q2 else 2 if x <= q3 else 3
        out["quartile_band"] = "ABCD"[quarter] if hoped == "decrease" else "DCBA"[quarter]
    else:
        out["rank"] = out["n_ranked"] = out["quartile_band"] = None
    before = [r for r in mine if r["time_period"] == str(int(period) - 1)]
    out["change"] = x - _number(before[0]["_value"]) if before else None
    return out


def _cli_json(cli, *args: str) -> dict:
    done = cli("compare", *args, "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _checkable(spec_file: Path) -> bool:
    spec = yaml.safe_load(spec_file.read_text(encoding="utf-8"))
    las = {"column": "geographic_level", "equals": "Local authority"} in (spec.get("where") or [])
    return spec["source"]["format"] == "csv" and las and any(_plain_mapping(spec, m) for m in spec["indicators"])


SPEC_FILES = [p for p in sorted((ROOT / "mappings" / "dfe").glob("*.yaml")) if _checkable(p)]


def test_the_independent_check_covers_the_dfe_national_files():
    assert {p.stem for p in SPEC_FILES} >= {
        "cla-number-and-rate", "cin-referrals", "cpp-subsequent", "cpp-duration", "workforce",
        "placement-stability", "care-leavers-activity", "care-leavers-accommodation", "cla-outcomes"}


@pytest.mark.parametrize("model", ["2025", "2021"])
@pytest.mark.parametrize("spec_file", SPEC_FILES, ids=lambda p: p.stem)
def test_compare_reproduces_independent_arithmetic_over_the_published_files(spec_file, model):
    from csc_outcomes.compare.compute import Engine, resolve_authority
    from csc_outcomes.releases import load_release

    release = load_release()
    catalogue = release.catalogue
    checked = 0
    for indicator, rows in _published(spec_file).items():
        if indicator not in catalogue.indicator_sets["dfe-national"]["members"]:
            continue
        hoped = catalogue.indicators[indicator]["interpretation"].get("hoped_for_direction")
        dp = catalogue.indicators[indicator]["decimal_places"]
        chosen = [la for la in AUTHORITIES if la in _neighbours(model)]
        engine = Engine(release, [indicator], [], model)
        try:
            results = engine.compare_many([resolve_authority(la, catalogue, model) for la in chosen])
        finally:
            engine.close()
        for la, result in zip(chosen, results):
            expected = _independent(indicator, rows, la, model, hoped)
            if expected is None:
                continue
            record = next(r for r in result.records if r["time_period"] == expected["time_period"]
                          and r["breakdown_topic"] == "Total" and r["published"])
            for key in ("la_value", "region_value", "england_value", "rank", "n_ranked", "quartile_band", "sn_count"):
                assert record[key] == expected[key], (indicator, la, key, record[key], expected[key])
            for key in ("sn_mean", "sn_median", "change"):
                if expected[key] is None:
                    assert record[key] is None, (indicator, la, key)
                else:
                    assert record[key] == pytest.approx(expected[key], rel=1e-9, abs=10 ** -(dp + 6)), (indicator, la, key)
            checked += 1
    assert checked


def test_the_command_line_gives_the_library_s_figures(cli):
    from csc_outcomes.compare.compute import compare

    got = _cli_json(cli, "--la", "919", "--indicators", "cla_rate_31mar")
    assert got["records"] == json.loads(json.dumps(compare("919", indicators=["cla_rate_31mar"]).records))
    assert got["neighbour_model"] == "2025" and len(got["authority"]["neighbours"]) == 10


def test_a_return_appears_beside_the_published_years_marked_unpublished(cli):
    got = _cli_json(cli, "--la", "919", "--indicators", "cla_rate_31mar",
                    str(ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"))
    own = [r for r in got["records"] if not r["published"]]
    assert [(r["time_period"], r["la_value"]) for r in own] == [("2025", 36.0)]
    published = [r for r in got["records"] if r["published"] and r["breakdown_topic"] == "Total"]
    assert [r["time_period"] for r in published] == ["2021", "2022", "2023", "2024", "2025"]
    # ranked among the other authorities' published values, like the published figure it repeats
    assert (own[0]["rank"], own[0]["quartile_band"]) == (published[-1]["rank"], published[-1]["quartile_band"])
    assert got["returns"] == [str(ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv")]


def test_a_harmonised_local_variant_carries_its_close_match_into_the_comparison(cli, tmp_path):
    out = tmp_path / "canonical.csv"
    done = cli("harmonise", str(ROOT / "examples" / "harmonise" / "cla-counts-by-la.csv"),
               "--mapping", str(ROOT / "mappings" / "examples" / "cla-counts-by-la.yaml"), "--output", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    got = _cli_json(cli, "--la", "E10000015", "--indicators", "cla_starts_rate,cla_rate_31mar", str(out))
    own = [r for r in got["records"] if not r["published"]]
    assert {r["indicator_id"] for r in own} == {"cla_starts_rate", "cla_rate_31mar"}
    assert {r["match_type"] for r in own if r["indicator_id"] == "cla_starts_rate"} == {"close"}
    assert {r["match_type"] for r in own if r["indicator_id"] == "cla_rate_31mar"} == {"exact"}


def test_an_invalid_return_is_refused_before_comparing(cli):
    done = cli("compare", "--la", "919", "--format", "json",
               str(ROOT / "examples" / "returns" / "invalid" / "indicator.csv"))
    assert done.returncode == 2
    assert "breaks the standard" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("args, says", [
    (["--la", "999"], "no local authority has the code '999'"),
    (["--la", "Hertfordshir"], "did you mean Hertfordshire (919)?"),
    (["--la", "919", "--indicators", "no_such_thing"], "has no indicator no_such_thing"),
    (["--la", "919", "--set", "nope"], "has no indicator set 'nope'"),
    (["--la", "919", "--year", "25"], "give a year as YYYY"),
    (["--la", "all", "--format", "json"], "give the folder with --output"),
    (["--la", "919", "--format", "html"], "give it with --output"),
])
def test_a_misused_compare_says_what_to_do(cli, args, says):
    done = cli("compare", *args)
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr


def test_every_output_carries_the_caveat(cli, tmp_path):
    for fmt in ("html", "csv", "json", "xlsx"):
        out = tmp_path / f"c.{fmt}"
        assert cli("compare", "--la", "919", "--set", "dfe-national", "--format", fmt, "--output", str(out)).returncode == 0
    assert "not a judgement of practice" in (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "not a judgement of practice" in (tmp_path / "c.csv").read_text(encoding="utf-8")
    assert "not a judgement of practice" in json.loads((tmp_path / "c.json").read_text())["caveat"]
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "c.xlsx")
    assert "not a judgement of practice" in book["Summary"]["A2"].value
    assert "cla_rate_31mar" in book.sheetnames
    sheet = book["cla_rate_31mar"]
    header = [c.value for c in sheet[3]]
    rows = [dict(zip(header, [c.value for c in row])) for row in sheet.iter_rows(min_row=4)]
    assert [r["time_period"] for r in rows] == ["2021", "2022", "2023", "2024", "2025"]
    assert rows[-1]["la_value"] == 36 and rows[-1]["england_value"] == 67


def test_all_authorities_one_file_each(cli, tmp_path):
    done = cli("compare", "--la", "all", "--set", "dfe-national", "--format", "json", "--output", str(tmp_path))
    assert done.returncode == 0, done.stderr
    files = sorted(tmp_path.glob("*.json"))
    assert len(files) >= 150
    herts = json.loads((tmp_path / "919-hertfordshire.json").read_text())
    alone = _cli_json(cli, "--la", "919", "--set", "dfe-national")
    assert herts["records"] == alone["records"]


def test_charts_are_written_as_svg_and_png(cli, tmp_path):
    done = cli("compare", "--la", "919", "--indicators", "cla_rate_31mar", "--format", "json",
               "--output", str(tmp_path / "c.json"), "--charts", str(tmp_path / "charts"))
    assert done.returncode == 0, done.stderr
    names = sorted(p.name for p in (tmp_path / "charts").iterdir())
    assert {"cla_rate_31mar-distribution.png", "cla_rate_31mar-distribution.svg",
            "cla_rate_31mar-trend.png", "cla_rate_31mar-trend.svg"} <= set(names)
    # a breakdown with figures (UASC, published through DfE's LAIT) gets its own pair
    assert all(n.startswith("cla_rate_31mar") and n.endswith((".svg", ".png")) for n in names)
    assert len(names) % 4 == 0
    assert (tmp_path / "charts" / "cla_rate_31mar-trend.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CSC_SKIP_BROWSER") == "1":
            pytest.skip("CSC_SKIP_BROWSER=1")
        pytest.fail("Chromium is needed to check the page as a reader sees it: apt-get install chromium")
    return found


def test_the_comparison_page_renders_in_a_real_browser_with_no_network(cli, tmp_path):
    page = tmp_path / "hertfordshire.html"
    done = cli("compare", "--la", "919", "--set", "dfe-national", "--format", "html", "--output", str(page),
               str(ROOT / "examples" / "returns" / "valid" / "dfe-la-2025.csv"))
    assert done.returncode == 0, done.stderr
    html = page.read_text(encoding="utf-8")
    assert "http://" not in html.replace("http://www.w3.org/2000/svg", "") and "https://" not in html
    browser = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(browser + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert "Hertfordshire compared with its statistical neighbours" in dom.stdout
    assert dom.stdout.count("<svg") >= 2 * 15  # a trend and a distribution per indicator with a figure
    shot = tmp_path / "page.png"
    subprocess.run(browser + [f"--screenshot={shot}", "--window-size=1200,2000", page.as_uri()],
                   capture_output=True, timeout=120)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000


def test_every_dfe_spec_names_the_published_files_the_baseline_is_built_from():
    for spec_file in sorted((ROOT / "mappings" / "dfe").glob("*.yaml")):
        files = yaml.safe_load(spec_file.read_text(encoding="utf-8"))["source"].get("files")
        assert files, f"{spec_file.name}: source.files names no published file"
        assert all((DFE / name).is_file() for name in files), (spec_file.name, files)
