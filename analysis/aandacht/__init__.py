"""aandacht analysis: charts, CSV tables, a claims scorecard and a
self-contained HTML report from the engine's HDF5 run and sweep files.

    python3 -m aandacht report OUT.h5 [MORE.h5 ...] [-o DIR]

`pip install ./analysis` (from the top folder of the sources) installs it
with its dependencies and the command `aandacht-report`, which is the same
as `python3 -m aandacht`.

Modules:

- io: read run and sweep files into numpy arrays and dicts;
- datasets: the same files as xarray Datasets and pandas frames, also here
  as aandacht.open_run, aandacht.open_sweep and aandacht.run_table;
- style: the projector style every chart uses;
- charts, relations, compare: charts of one run over time, relations across
  brands, several runs on the same axes;
- sweepdata, sweepcharts, indexcharts, sensitivity: sweep charts and Sobol /
  Morris indices (docs/sweep-analysis.md);
- scorecard, claims: verdicts on the claims C1-C7 (pure functions) and their
  evidence from a file;
- tables, indextables: CSV files;
- page, report, cli: report.html, the report directory, the command line.

docs/report.md describes the report.
"""

__version__ = "0.1.0"   # the engine's version: project(aandacht VERSION ...) in CMakeLists.txt

# xarray, pandas, h5py and numpy are imported only when these are called
from .datasets import open_run, open_sweep, run_table  # noqa: E402,F401
