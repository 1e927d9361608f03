"""aandacht analysis: charts, CSV tables, a claims scorecard and a
self-contained HTML report from the engine's HDF5 run and sweep files.

    python3 -m aandacht report OUT.h5 [MORE.h5 ...] [-o DIR]

Modules: io (read files), style (projector chart style), charts (one chart
per function), scorecard (claims C1-C7), tables (CSV), report (HTML page),
cli (the command line).
"""
__all__ = ["io", "style"]
