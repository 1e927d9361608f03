"""aandacht analysis: charts, CSV tables, a claims scorecard and a
self-contained HTML report from the engine's HDF5 run and sweep files.

    python3 -m aandacht report OUT.h5 [MORE.h5 ...] [-o DIR]

Modules:

- io: read run and sweep files into numpy arrays and dicts;
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
