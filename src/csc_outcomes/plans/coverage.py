"""`plan coverage`: what was planned against what was reported, as clinical trials compare
registered outcomes with published ones.

For each planned outcome: reported as planned, partly reported (some planned periods missing),
switched (reported with another indicator or another version of it: the two definitions are
compared and the match said), or not reported; and results reported that were never planned.
Across several plans: the share of projects that reported everything they planned, and, outcome
by outcome, which projects measured it the same way (so their figures can be compared).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from csc_outcomes.catalogue import Catalogue
from csc_outcomes.plans.document import PLAN_SUFFIXES, PlanReadError, Results, read_plan, read_results
from csc_outcomes.plans.frameworks import outcomes_by_framework, release_catalogue

STATUSES = ("reported", "partly_reported", "switched", "not_reported")


@dataclass
class Measure:
    """The measure behind a figure: an indicator of a version of the standard, or a local one."""

    indicator: str | None
    version: str | None
    local: str | None = None

    @property
    def label(self) -> str:
        if self.indicator:
            return f"{self.indicator} ({self.version})" if self.version else self.indicator
        return f"local measure {self.local or '(unnamed)'}"


@dataclass
class OutcomeCoverage:
    key: str
    framework: str
    outcome: str
    outcome_name: str
    role: str
    planned: Measure
    status: str
    reported: Measure | None = None
    periods_planned: list[str] = field(default_factory=list)
    periods_reported: list[str] = field(default_factory=list)
    match_type: str | None = None  # for a switch: exact, close or related
    differences: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class Unplanned:
    measure: Measure
    periods: list[str]
    framework: str | None = None
    outcome: str | None = None
    note: str = ""


@dataclass
class PlanCoverage:
    plan: str
    project: str
    file: str
    outcomes: list[OutcomeCoverage]
    unplanned: list[Unplanned]
    results_files: list[str]

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def reported_all(self) -> bool:
        """Every planned outcome was reported (a switch counts as reported, and is listed as a switch)."""
        return self.count("not_reported") == 0

    @property
    def reported_all_as_planned(self) -> bool:
        return all(o.status == "reported" for o in self.outcomes)


@dataclass
class Coverage:
    plans: list[PlanCoverage]
    comparability: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(p.reported_all_as_planned for p in self.plans)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def summary(self) -> dict[str, Any]:
        n = len(self.plans)
        everything = sum(p.reported_all for p in self.plans)
        as_planned = sum(p.reported_all_as_planned for p in self.plans)
        return {"plans": n, "reported_everything_planned": everything,
                "reported_everything_as_planned": as_planned,
                "share_reported_everything_planned": round(everything / n, 3) if n else None,
                **{status: sum(p.count(status) for p in self.plans) for status in STATUSES},
                "unplanned": sum(len(p.unplanned) for p in self.plans)}

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "summary": self.summary(),
                "plans": [{**asdict(p), "reported_all": p.reported_all,
                           "reported_all_as_planned": p.reported_all_as_planned} for p in self.plans],
                "comparability": self.comparability}


# ------------------------------------------------------------------------------------------
def _definition(measure: Measure, cache: dict[str, Catalogue | None]) -> dict[str, Any] | None:
    catalogue = release_catalogue(measure.version, cache)
    return catalogue.indicators.get(measure.indicator or "") if catalogue else None


def compare_measures(planned: Measure, reported: Measure, cache: dict[str, Catalogue | None]) -> tuple[str, list[str]]:
    """How a reported measure relates to the planned one: a match type and what differs.

    exact: the same definition (the same indicator, changed at most in wording or additions
    between the two versions; or two ids defining the same count). close: the same children
    counted over the same period, expressed differently (a count against a rate, another
    rounding) or changed at a major version. related: another measure of the outcome, or a local
    measure: not comparable with what was planned."""
    from csc_outcomes.catalogue.diff import MAJOR_FIELDS, _indicator_changes

    if planned.local or reported.local:
        return "related", ["a local measure on one side: not comparable with the standard's indicator"]
    old, new = _definition(planned, cache), _definition(reported, cache)
    if old is None or new is None:
        missing = planned if old is None else reported
        return "related", [f"{missing.label} is not in a shipped version: its definition cannot be compared"]
    if planned.indicator == reported.indicator:
        changes = [c for c in _indicator_changes(planned.indicator or "", old, new) if c.level in ("major", "refused")]
        if not changes:
            return "exact", [f"{planned.indicator} is defined the same way in {planned.version} and {reported.version}"]
        return "close", [f"{c.field} {c.what} between {planned.version} and {reported.version}" for c in changes]
    a, b = _operational(old), _operational(new)
    differing = [f for f in MAJOR_FIELDS if a.get(f) != b.get(f)]
    if not differing:
        return "exact", [f"{planned.indicator} and {reported.indicator} count the same thing the same way"]
    detail = [f"{f} differs" for f in differing]
    if a["numerator"] == b["numerator"] and a["period"] == b["period"]:
        return "close", ["the same children counted over the same period"] + detail
    return "related", detail


def _operational(ind: dict[str, Any]) -> dict[str, Any]:
    """What decides who is counted and how, without the prose: two indicators whose numerators
    come from the same fields of the same source count the same children, however worded."""
    def quantity(q: dict[str, Any] | None) -> Any:
        return (q.get("source"), tuple(sorted(q.get("fields") or []))) if q else None

    period = ind.get("period") or {}
    return {"measure_type": ind.get("measure_type"), "numerator": quantity(ind.get("numerator")),
            "denominator": quantity(ind.get("denominator")), "multiplier": ind.get("multiplier"),
            "decimal_places": ind.get("decimal_places"), "rounding": ind.get("rounding"),
            "period": tuple(period.get(k) for k in ("kind", "year_convention", "reference_date", "length"))}


def _results_for(plan: dict[str, Any], results: list[Results], default_version: str | None
                 ) -> tuple[dict[str, list[tuple[Measure, str]]], list[Unplanned]]:
    """Reported figures per planned outcome key, and the results that answer no planned outcome."""
    version = default_version or str(plan.get("framework_version"))
    planned = {str(o.get("key")): o for o in plan.get("planned_outcomes") or []}
    by_indicator: dict[str, list[str]] = {}
    # a result may name a planned local measure by its id or its name
    local_ids = {name: str(o["local_measure"].get("id")) for o in planned.values() if o.get("local_measure")
                 for name in (o["local_measure"].get("id"), o["local_measure"].get("name")) if name}
    for key, o in planned.items():
        if o.get("indicator"):
            by_indicator.setdefault(str(o["indicator"]), []).append(key)
    linked: dict[str, list[tuple[Measure, str]]] = {}
    unplanned: dict[tuple, Unplanned] = {}
    for result_set in results:
        for r in result_set.results:
            measure = Measure(r.get("indicator"), str(r.get("indicator_version") or version) if r.get("indicator")
                              else None, local_ids.get(r.get("local_measure"), r.get("local_measure")))
            period = str(r.get("period"))
            key = r.get("planned_outcome")
            if key is None and "planned_outcome" not in r and measure.indicator in by_indicator:
                keys = by_indicator[measure.indicator]  # a canonical return: matched on the indicator
            elif key is not None and str(key) in planned:
                keys = [str(key)]
            else:
                keys = []
            for k in keys:
                linked.setdefault(k, []).append((measure, period))
            if not keys:
                note = f"points at planned outcome {key!r}, which the plan does not have" if key else ""
                entry = unplanned.setdefault((measure.label, r.get("framework"), r.get("outcome")),
                                             Unplanned(measure, [], r.get("framework"), r.get("outcome"), note))
                if period not in entry.periods:
                    entry.periods.append(period)
    return linked, list(unplanned.values())


def plan_coverage(plan: dict[str, Any], results: list[Results], file: str = "",
                  framework_version: str | None = None, cache: dict[str, Catalogue | None] | None = None) -> PlanCoverage:
    cache = {} if cache is None else cache
    version = str(plan.get("framework_version"))
    linked, unplanned = _results_for(plan, results, framework_version)
    names = outcomes_by_framework(release_catalogue(version, cache) or Catalogue({}), aliases=True)
    rows = []
    for o in plan.get("planned_outcomes") or []:
        local = (o.get("local_measure") or {})
        planned = Measure(o.get("indicator"), str(o.get("indicator_version") or version) if o.get("indicator")
                          else None, local.get("id") if local else None)
        reports = linked.get(str(o.get("key")), [])
        periods_planned = [str(p) for p in o.get("measured_at") or []]
        periods_reported = sorted({p for _, p in reports})
        entry = OutcomeCoverage(str(o.get("key")), str(o.get("framework")), str(o.get("outcome")),
                                names.get(str(o.get("framework")), {}).get(str(o.get("outcome")), ""),
                                str(o.get("role")), planned, "not_reported", None, periods_planned, periods_reported)
        if reports:
            switched = next((m for m, _ in reports if (m.indicator, m.version, m.local) !=
                             (planned.indicator, planned.version, planned.local)), None)
            if switched is not None:
                entry.status, entry.reported = "switched", switched
                entry.match_type, entry.differences = compare_measures(planned, switched, cache)
            else:
                entry.reported = reports[0][0]
                missing = [p for p in periods_planned if p not in periods_reported]
                entry.status = "partly_reported" if missing else "reported"
                if missing:
                    entry.note = f"not reported for {', '.join(missing)}"
        rows.append(entry)
    return PlanCoverage(str(plan.get("id")), str(plan.get("project", "")), file, rows, unplanned,
                        [r.source for r in results])


def _equivalent(a: Measure, b: Measure, cache: dict[str, Catalogue | None]) -> bool:
    if a.indicator is None or b.indicator is None or a.indicator != b.indicator:
        return False
    return compare_measures(a, b, cache)[0] == "exact"


def comparability(plans: list[PlanCoverage], cache: dict[str, Catalogue | None]) -> list[dict[str, Any]]:
    """Outcome by outcome, the projects that measured it, grouped by measures that compare."""
    groups: dict[tuple[str, str], list[tuple[PlanCoverage, OutcomeCoverage]]] = {}
    for p in plans:
        for o in p.outcomes:
            groups.setdefault((o.framework, o.outcome), []).append((p, o))
    out = []
    for (framework, outcome), entries in sorted(groups.items()):
        if len({p.plan for p, _ in entries}) < 2:
            continue
        classes: list[list[tuple[PlanCoverage, OutcomeCoverage, Measure]]] = []
        for p, o in entries:
            used = o.reported or o.planned
            for cls in classes:
                if _equivalent(cls[0][2], used, cache):
                    cls.append((p, o, used))
                    break
            else:
                classes.append([(p, o, used)])
        out.append({
            "framework": framework, "outcome": outcome, "outcome_name": entries[0][1].outcome_name,
            "comparable": len(classes) == 1 and classes[0][0][2].indicator is not None,
            "groups": [{"measure": cls[0][2].label,
                        "projects": [{"plan": p.plan, "status": o.status} for p, o, _ in cls]} for cls in classes],
        })
    return out


# ------------------------------------------------------------------------------------------
def _plan_files(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PLAN_SUFFIXES)
    if not files:
        raise PlanReadError(f"{folder} holds no plan (.yaml or .xlsx)")
    return files


def coverage(plan_path: Path, results_paths: list[Path], framework_version: str | None = None) -> Coverage:
    """Coverage of one plan by results files, or of a folder of plans by a folder of results.

    With folders, a result set is matched to its plan by its `plan:` field, and a canonical
    return by its file name, which starts with the plan's id (edge-of-care-2026.csv)."""
    cache: dict[str, Catalogue | None] = {}
    plan_path = Path(plan_path)
    if not plan_path.exists():
        raise PlanReadError(f"{plan_path} does not exist")
    plans = [(p, read_plan(p)) for p in (_plan_files(plan_path) if plan_path.is_dir() else [plan_path])]
    files: list[Path] = []
    for r in results_paths:
        r = Path(r)
        if not r.exists():
            raise PlanReadError(f"{r} does not exist")
        files += sorted(f for f in r.iterdir() if f.is_file()) if r.is_dir() else [r]
    results = [(f, read_results(f)) for f in files]
    single = len(plans) == 1 and not plan_path.is_dir()
    covered = []
    for path, plan in plans:
        ident = str(plan.get("id"))
        mine = [res for f, res in results
                if single or res.plan == ident or (res.plan is None and f.name.startswith(ident))]
        covered.append(plan_coverage(plan, mine, str(path), framework_version, cache))
    if single:
        for f, res in results:
            if res.plan is not None and res.plan != str(plans[0][1].get("id")):
                raise PlanReadError(f"{f} reports against plan {res.plan!r}, not {plans[0][1].get('id')!r}")
    return Coverage(covered, comparability(covered, cache))
