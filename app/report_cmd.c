/* report_cmd.c: `aandacht report` hands over to the Python analysis package
 * (analysis/aandacht), which draws the charts and writes the report: the
 * process becomes `PY -m aandacht report ARGS` (python_cmd.c finds PY and
 * the package), so the exit status is the report's own. The report runs
 * this binary (AANDACHT_BINARY) for its decision's reference runs. Nothing
 * here is used by the engine: this file is linked into the binary only, not
 * into libaandacht.
 */
#include "report_cmd.h"
#include "python_cmd.h"

static const char REPORT_USAGE[] =
    "usage: aandacht report FILE.h5 [MORE.h5 ...] [-o DIR] [--no-csv] [--quiet]\n"
    "\n"
    "Writes charts (PNG and SVG), CSV files and one self-contained report.html\n"
    "(claims scorecard, KPI tables, charts) for run or sweep files into DIR\n"
    "(default out/<first file's name>_report/). It runs the Python package in\n"
    "analysis/ and needs Python 3 with h5py, numpy, matplotlib and scipy;\n"
    "AANDACHT_PYTHON and AANDACHT_ANALYSIS choose the interpreter and the package.\n";

int report_cmd(int argc, char **argv)
{
    static const python_cmd report = {
        .name = "report",
        .modules = "h5py, numpy, matplotlib and scipy",
        .debian = "python3 python3-h5py python3-numpy python3-matplotlib python3-scipy",
        .usage = REPORT_USAGE,
    };
    return python_cmd_run(&report, argc, argv);
}
