"""A method is part of its indicator: read from indicators/methods/, compiled into the release,
shown on the indicator's page beside the prose, shipped with its conformance pack."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT
from csc_outcomes.catalogue.model import load_catalogue
from csc_outcomes.releases import load_release


# methods are part of the standard from 1.1.0: the release being built holds them
CURRENT = __import__("yaml").safe_load((ROOT / "indicators" / "framework.yaml").read_text())["version"]


def test_method_is_attached_to_its_indicator_from_source_and_release():
    source = load_catalogue(ROOT / "indicators").indicators["cla_3plus_placements_pct"]
    assert source["method"] == (ROOT / "indicators" / "methods" / "cla_3plus_placements_pct.sql").read_text().strip() + "\n"
    shipped = load_release().catalogue.indicators["cla_3plus_placements_pct"]
    assert shipped["method"] == source["method"]


def test_a_method_for_no_indicator_is_reported_by_check(catalogue_copy: Path, cli):
    (catalogue_copy / "methods" / "cla_rate_31march.sql").write_text("SELECT 1 AS unit_id", encoding="utf-8")
    result = cli("check", str(catalogue_copy))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "methods/cla_rate_31march.sql" in result.stdout
    assert "'cla_rate_31march', which is not an indicator" in result.stdout


def test_indicator_page_shows_the_sql_beside_the_prose():
    page = (ROOT / "src" / "csc_outcomes" / "releases" / CURRENT / "docs" / "indicators" / "cla_long_term_stability_pct.md").read_text()
    numerator, method, measure = page.index("## Numerator"), page.index("## Method"), page.index("## Measure")
    assert numerator < method < measure
    block = page[method:measure]
    assert "```sql\n-- cla_long_term_stability_pct:" in block
    assert "cut_30m" in block and block.rstrip().endswith("```")


def test_release_ships_the_conformance_pack():
    pack = ROOT / "src" / "csc_outcomes" / "releases" / CURRENT / "conformance"
    authored = sorted(p.relative_to(ROOT / "indicators" / "conformance").as_posix()
                      for p in (ROOT / "indicators" / "conformance").glob("*/*.yaml"))
    shipped = sorted(p.relative_to(pack).as_posix() for p in pack.glob("*/*.yaml"))
    assert shipped == authored and len(shipped) >= 21
    for rel in shipped:  # byte for byte: the hand counts are comments
        assert (pack / rel).read_bytes() == (ROOT / "indicators" / "conformance" / rel).read_bytes()
    assert (pack / "record_tables.yaml").is_file() and (pack / "README.md").is_file()
    assert len(list((pack / "methods").glob("*.sql"))) == len(json.loads(
        (pack.parent / "catalogue.json").read_text())["indicators"]) - sum(
        1 for i in json.loads((pack.parent / "catalogue.json").read_text())["indicators"] if not i.get("method"))


def _ctes(path: Path) -> dict[str, str]:
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(path.read_text(encoding="utf-8"), read="duckdb")
    return {cte.alias: cte.this.sql(dialect="duckdb") for cte in tree.find_all(exp.CTE)}


def test_methods_define_a_shared_population_the_same_way():
    """Each method is published whole (a reader runs one file), so the steps several share are
    copied, not imported. A copy edited alone would make two indicators count a different
    'looked after continuously for 12 months': every copy of a shared step must be the same."""
    methods = {p.name: _ctes(p) for p in sorted((ROOT / "indicators" / "methods").glob("*.sql"))}
    # the episode list and the start of a period of care mean the same wherever they appear
    for step in ("episodes", "ep_year", "care_start"):
        copies = {name: ctes[step] for name, ctes in methods.items() if step in ctes}
        assert len(copies) >= 2 and len(set(copies.values())) == 1, (step, sorted(copies))
    # the OC2 indicators (health, offending, substance misuse, SDQ) share their whole population
    oc2 = {name: ctes for name, ctes in methods.items() if "care_start" in ctes and "oc2" in ctes}
    assert len(oc2) == 5, sorted(oc2)
    for step in ("p", "flags", "history", "care_start"):
        assert len({ctes[step] for ctes in oc2.values()}) == 1, step
