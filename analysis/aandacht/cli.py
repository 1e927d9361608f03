"""Command line of the analysis package.

    python3 -m aandacht report FILE.h5 [MORE.h5 ...] [-o DIR] [--against REF.h5]
                               [--replications N] [--no-decision] [--no-csv] [--quiet]
    python3 -m aandacht explore [FILE.cfg] [--port N] [--open] ...   (explore.py)

`aandacht report` (the engine's binary) runs exactly this. Exit status:
0 the report was written; 2 bad usage, a file that is missing or is not an
aandacht run or sweep file, or a Python without the packages the report
needs (the message says how to install them into that Python: apt-get for
Debian's own python3, pip in a virtual environment, conda or pip in a conda
environment); 1 any other failure (a directory that cannot be written).
Installed with `pip install ./analysis`, the command `aandacht-report` runs
`main` too.
"""
import argparse
import difflib
import os
import re
import shlex
import sys
from pathlib import Path

# the modules the report needs; pip and conda name their packages as the modules
NEEDED = ("numpy", "h5py", "matplotlib", "scipy")
# the Debian package of each module the package imports
DEBIAN = {"numpy": "python3-numpy", "h5py": "python3-h5py", "matplotlib": "python3-matplotlib",
          "scipy": "python3-scipy", "xarray": "python3-xarray", "pandas": "python3-pandas",
          "h5netcdf": "python3-h5netcdf"}

REPORT_HELP = """\
usage: aandacht report FILE.h5 [MORE.h5 ...] [-o DIR] [--against REF.h5]
                       [--replications N] [--no-decision] [--no-csv] [--quiet]

Writes one self-contained report.html, charts (PNG for slides and SVG) and
CSV files for run or sweep files into DIR (default out/<file>_report/, or
out/<a>_vs_<b>_report/ for several files). The page opens with the
decision: for each brand that changes a policy (its automation, or any
intervention), its profit, market share, loyalty and jobs against a
reference run of the same market, over the last recorded year, with a
verdict (pays, costs profit, no clear difference). Then the scenario, the
claims scorecard C1-C7, a KPI table per brand and every chart.

  -o, --output DIR      directory to write (created if missing; its charts/
                        and data/ are replaced, so no old chart stays)
  --against REF.h5      the reference: another run of the same market
                        (default: the same scenario without the brand's policy,
                        run again by the engine)
  --replications N      seeds each side of the decision runs on, the file's
                        own and N - 1 more (default 3; 1 to 20; 1 gives no
                        interval and so no clear verdict)
  --no-decision         no decision section (and no extra runs)
  --no-csv              no CSV files (a large sweep makes large ones)
  --quiet               no progress lines
  -h, --help            this help

Exit status: 0 written, 1 failure while writing, 2 bad usage or a file that
is missing or not an aandacht file.
"""


class UsageError(Exception):
    pass


OPTIONS = ("-o", "--output", "--against", "--replications", "--no-decision", "--no-csv", "--quiet", "--help")


class CommandParser(argparse.ArgumentParser):
    """The parser of the package's commands (report, explore): a usage error
    raises UsageError, an unknown option naming the nearest of `options` as
    the engine's commands do, and --help writes `help_text`."""

    def __init__(self, *args, options=(), help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.known_options = options
        self.help_text = help_text

    def error(self, message):
        m = re.match(r"unrecognized arguments: (\S+)", message)
        if m and m.group(1).startswith("-"):
            word = m.group(1).split("=")[0]
            near = difflib.get_close_matches(word, self.known_options, n=1, cutoff=0.6)
            message = f"unknown option '{word}'" + (f" (did you mean '{near[0]}'?)" if near else "")
        raise UsageError(message)

    def print_help(self, file=None):
        (file or sys.stdout).write(self.help_text)


def missing_modules():
    """The modules of NEEDED this interpreter cannot import."""
    import importlib
    out = []
    for mod in NEEDED:
        try:
            importlib.import_module(mod)
        except ImportError:
            out.append(mod)
    return out


def missing_packages():
    """Debian packages of the modules this interpreter cannot import."""
    return [DEBIAN[m] for m in missing_modules()]


def python_kind():
    """What kind of Python this is, for saying how to install into it:
    "venv" (a virtual environment), "conda" (a conda environment),
    "debian" (Debian's or Ubuntu's own python3) or "other"."""
    if sys.prefix != sys.base_prefix:
        return "venv"
    # CONDA_PREFIX names the activated environment, which need not be this Python
    activated = os.environ.get("CONDA_PREFIX")
    if ("conda" in sys.version or "Continuum" in sys.version
            or os.path.isdir(os.path.join(sys.prefix, "conda-meta"))
            or (activated and os.path.realpath(activated) == os.path.realpath(sys.prefix))):
        return "conda"
    if os.path.realpath(sys.base_prefix) == "/usr" and os.path.exists("/etc/debian_version"):
        return "debian"
    return "other"


def _analysis_folder():
    """The folder to `pip install` for the whole analysis package: this
    package's own folder when it runs from the sources (it has
    pyproject.toml), else the folder as the sources name it."""
    folder = Path(__file__).resolve().parents[1]
    if (folder / "pyproject.toml").exists():
        return shlex.quote(str(folder))
    return "./analysis (in the aandacht sources)"


def install_hint(modules):
    """What to run to install `modules` (import names) into this Python."""
    mods = " ".join(modules)
    pip = f"{shlex.quote(sys.executable)} -m pip install"
    kind = python_kind()
    if kind == "venv":
        return (f"in this virtual environment: {pip} {mods}; or {pip} {_analysis_folder()}, "
                "which installs all the analysis package needs")
    if kind == "conda":
        return (f"in this conda environment: conda install -c conda-forge {mods}, or {pip} {mods}; "
                f"or {pip} {_analysis_folder()}, which installs all the analysis package needs")
    if kind == "debian":
        debs = " ".join(DEBIAN.get(m, m) for m in modules)
        return (f"on Debian or Ubuntu: sudo apt-get install {debs} "
                f"(in a virtual environment or a conda environment instead: pip install {mods}, "
                f"or pip install {_analysis_folder()} for all the analysis package needs)")
    return (f"{pip} {mods}; or {pip} {_analysis_folder()}, "
            "which installs all the analysis package needs")


def _stem(path):
    name = Path(path).name
    return name[:-3] if name.endswith(".h5") else Path(path).stem


def default_outdir(files):
    """out/<stem>_report for one file, out/<a>_vs_<b>_report for several."""
    if isinstance(files, (str, Path)):
        files = [files]
    return Path("out") / ("_vs_".join(_stem(f) for f in files) + "_report")


def report(argv):
    ap = CommandParser(prog="aandacht report", options=OPTIONS, help_text=REPORT_HELP)
    ap.add_argument("files", nargs="*")
    ap.add_argument("-o", "--output")
    ap.add_argument("--no-csv", action="store_true")
    ap.add_argument("--against")
    ap.add_argument("--replications", type=int, default=3)
    ap.add_argument("--no-decision", action="store_true")
    ap.add_argument("--quiet", action="store_true")
    try:
        a = ap.parse_args(argv)
    except UsageError as e:
        print(f"aandacht report: {e}\n\n{REPORT_HELP}", file=sys.stderr, end="")
        return 2
    if not a.files:
        print(f"aandacht report: no file given\n\n{REPORT_HELP}", file=sys.stderr, end="")
        return 2
    missing = missing_modules()
    if missing:
        print(f"aandacht report: {sys.executable} lacks {', '.join(missing)}; {install_hint(missing)}",
              file=sys.stderr)
        return 2
    from . import io, report as rep
    datas = []
    for f in a.files:
        try:
            datas.append(io.read(f))
        except io.ReadError as e:
            print(f"aandacht report: {e}", file=sys.stderr)
            return 2
    if not 1 <= a.replications <= 20:
        print(f"aandacht report: --replications {a.replications}: give 1 to 20", file=sys.stderr)
        return 2
    against = None
    if a.against:
        try:
            against = io.read(a.against)
        except io.ReadError as e:
            print(f"aandacht report: --against: {e}", file=sys.stderr)
            return 2
        if against["kind"] != "run":
            print(f"aandacht report: --against {a.against} is a sweep file; give a run file of the same market",
                  file=sys.stderr)
            return 2
    stems = [d["stem"] for d in datas]
    if len(set(stems)) < len(stems):
        print("aandacht report: two files have the same name "
              f"({', '.join(s for s in stems if stems.count(s) > 1)}); their charts and CSV files "
              "would overwrite each other: rename one", file=sys.stderr)
        return 2
    for d in datas:
        if not len(d["week"]):
            print(f"aandacht report: {d['path']} holds no recorded week (a run interrupted before week 0, "
                  "in its warm-up): nothing to report; run it again", file=sys.stderr)
            return 2
    if against is not None and not len(against["week"]):
        print(f"aandacht report: --against {against['path']} holds no recorded week", file=sys.stderr)
        return 2
    for d in datas:
        if not d["complete"] and not a.quiet:
            print(f"aandacht report: {d['path']} is incomplete (complete = 0): reporting the "
                  f"{len(d['week'])} weeks written", file=sys.stderr)
    out = Path(a.output) if a.output else default_outdir(a.files)
    log = (lambda m: None) if a.quiet else (lambda m: print(f"aandacht report: {m}", file=sys.stderr))
    try:
        res = rep.build(datas, out, csv=not a.no_csv, log=log, against=against, replications=a.replications,
                        decide=not a.no_decision)
    except OSError as e:
        print(f"aandacht report: cannot write {e.filename or out}: {e.strerror or e}", file=sys.stderr)
        return 1
    if not a.quiet:
        print(f"report: {res['html']} ({len(res['charts'])} charts, {len(res['csv'])} CSV files)")
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python3 -m aandacht report FILE.h5 [MORE.h5 ...] [-o DIR]\n\n" + REPORT_HELP, end="")
        return 0 if argv else 2
    if argv[0] == "explore":
        # the explorer's web server (explore.py); it checks for aiohttp itself
        from .explore import main as explore
        return explore(argv[1:])
    if argv[0] != "report":
        print(f"aandacht analysis: unknown command '{argv[0]}' (the commands are 'report' and 'explore')",
              file=sys.stderr)
        return 2
    return report(argv[1:])
