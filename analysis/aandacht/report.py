"""The report: charts, CSV files and one self-contained report.html for one
or more run or sweep files.

    paths = report.build([io.read(f) for f in files], "out/baseline_report")

writes into the directory

- `charts/`: every chart as PNG (150 dpi, for slides) and SVG;
- `data/`: the CSV files of tables.py;
- `report.html`: one page with the scenario descriptions, the claims
  scorecard, a KPI table per brand and every chart with its caption. The
  PNG images are embedded as data URIs and the style sheet is inline, so
  the page needs no network and no other file: it can be mailed or put on a
  USB stick. Type is large enough for a projector.

Returns {"html": Path, "charts": [chart dicts], "csv": [csv dicts],
"cards": {stem: the file's cards}, "across": the cards across files
(claims.across; [] for one file)}.
"""
import base64
from pathlib import Path

from . import charts, claims, compare, decision, decisioncharts, indextables, relations, style, tables
from .page import page, kpi_rows

try:   # sweep charts live in their own module; a report without them still works
    from . import sweepcharts
except ImportError as e:   # pragma: no cover - depends on the installation
    sweepcharts = None
    SWEEP_IMPORT_ERROR = str(e)
else:
    SWEEP_IMPORT_ERROR = ""


def _file_charts(d, outdir, log):
    """Charts of one file: time and relation charts of a run, sweep charts of a sweep."""
    out = []
    if d["kind"] == "run":
        for fn in charts.TIME_CHARTS + relations.RELATION_CHARTS:
            c = fn(d, outdir)
            if c:
                out.append(c)
        return out, []
    if sweepcharts is None:
        return [], [f"sweep charts are not available ({SWEEP_IMPORT_ERROR})"]
    return sweepcharts.make_all(d, Path(outdir) / d["stem"]), []


def _skipped(d, made):
    """Charts a run file has nothing for, with the reason."""
    if d["kind"] != "run":
        return []
    names = {c["stem"] for c in made}
    why = []
    if f"{d['stem']}_tip_rate" not in names:
        why.append("tip rate and attention against tips: no tipping in this market "
                   "(tipping.enabled = false; hospitality_tips has it)")
    if f"{d['stem']}_shock_visits" not in names:
        why.append("visits after a reputation shock: no reputation_shock event in this run "
                   "(reputation_shock has one)")
    return why


def _relative(made, outdir):
    """Adds each chart's path in the report directory, without suffix, as "rel"."""
    for c in made:
        c["rel"] = Path(c["png"]).resolve().relative_to(Path(outdir).resolve()).with_suffix("").as_posix()
    return made


def data_uri(png_path):
    return "data:image/png;base64," + base64.b64encode(Path(png_path).read_bytes()).decode("ascii")


def _fresh(directory):
    """Empties a folder the report owns (charts/, data/): a chart or CSV
    file of an earlier report never stays beside the new ones."""
    if directory.is_dir():
        for f in directory.iterdir():
            if f.is_dir():
                _fresh(f)
                f.rmdir()
            else:
                f.unlink()


def build(datas, outdir, *, csv=True, log=None, against=None, replications=3, decide=True, binary=None):
    """Writes the report of the files (io.read dicts) into outdir. The
    decision (decision.py) compares each run file's brands with a policy
    against `against` (an io.read dict) or, by default, the same scenario
    without the policy, over `replications` seeds; decide=False leaves it
    out."""
    log = log or (lambda msg: None)
    outdir = Path(outdir)
    chart_dir, data_dir = outdir / "charts", outdir / "data"
    _fresh(chart_dir)
    _fresh(data_dir)
    chart_dir.mkdir(parents=True, exist_ok=True)
    style.apply()
    sections, all_charts, all_csv = [], [], []
    cards = {d["stem"]: claims.scorecard(d) for d in datas}
    comp = _relative(compare.compare_all(datas, chart_dir), outdir)
    all_charts += comp
    for d in datas:
        log(f"charts of {d['path']}")
        made, notes = _file_charts(d, chart_dir, log)
        _relative(made, outdir)
        all_charts += made
        files = tables.write_csvs(d, data_dir) if csv else []
        indices = indextables.index_tables(made)
        if csv:
            files += indextables.write_index_csvs(indices, data_dir, d["stem"])
        all_csv += files
        comps, dcharts = [], {}
        if decide and d["kind"] == "run":
            comps = decision.compare(d, reference=against, binary=binary, replications=replications, log=log)
            for c in comps:
                if not c.get("error"):
                    ch = decisioncharts.brand_chart(d, c, chart_dir)
                    dcharts[c["brand"]] = _relative([ch], outdir)[0]
                    all_charts.append(dcharts[c["brand"]])
            if csv and comps:
                files += decision.write_csv(d, comps, data_dir)
        sections.append(dict(data=d, charts=made, notes=notes + _skipped(d, made), csv=files,
                             kpis=kpi_rows(d), cards=cards[d["stem"]], indices=indices, decision=comps,
                             decision_charts=dcharts))
    for c in all_charts:
        c["uri"] = data_uri(c["png"])
    across = claims.across(datas)
    doc = page(sections, comp, cards, across)
    path = outdir / "report.html"
    path.write_text(doc, encoding="utf-8")
    return {"html": path, "charts": all_charts, "csv": all_csv, "cards": cards, "across": across,
            "decisions": {s["data"]["stem"]: s["decision"] for s in sections}}

