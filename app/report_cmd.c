/* report_cmd.c: `aandacht report` hands over to the Python analysis package
 * (analysis/aandacht), which draws the charts and writes the report.
 *
 * The interpreter is $AANDACHT_PYTHON, else the one CMake found with h5py,
 * numpy, matplotlib and scipy (AD_REPORT_PYTHON, baked in at build time),
 * else /usr/bin/python3. The package directory is $AANDACHT_ANALYSIS, else
 * <directory of this binary>/../share/aandacht/python (an installed tree),
 * else the source tree it was built from (AD_REPORT_ANALYSIS), else the
 * install prefix it was configured for (AD_REPORT_ANALYSIS_INSTALLED). That
 * directory goes in front of PYTHONPATH and the process becomes
 * `PY -m aandacht report ARGS`, so the exit status is the report's own.
 * Nothing here is used by the engine: this file is linked into the binary
 * only, not into libaandacht.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_cmd.h"

#ifndef AD_REPORT_PYTHON
#define AD_REPORT_PYTHON ""
#endif
#ifndef AD_REPORT_ANALYSIS
#define AD_REPORT_ANALYSIS ""
#endif
#ifndef AD_REPORT_ANALYSIS_INSTALLED
#define AD_REPORT_ANALYSIS_INSTALLED ""
#endif

#define DEBIAN_PKGS "python3 python3-h5py python3-numpy python3-matplotlib python3-scipy"

static const char *REPORT_USAGE =
    "usage: aandacht report FILE.h5 [MORE.h5 ...] [-o DIR] [--no-csv] [--quiet]\n"
    "\n"
    "Writes charts (PNG and SVG), CSV files and one self-contained report.html\n"
    "(claims scorecard, KPI tables, charts) for run or sweep files into DIR\n"
    "(default out/<first file's name>_report/). It runs the Python package in\n"
    "analysis/ and needs Python 3 with h5py, numpy, matplotlib and scipy;\n"
    "AANDACHT_PYTHON and AANDACHT_ANALYSIS choose the interpreter and the package.\n";

/* 1 if DIR/aandacht/__main__.py exists */
static int has_package(const char *dir)
{
    char p[PATH_MAX];
    if (!dir || !dir[0]) return 0;
    if (snprintf(p, sizeof p, "%s/aandacht/__main__.py", dir) >= (int)sizeof p) return 0;
    return access(p, R_OK) == 0;
}

/* The package directory beside an installed binary: <bindir>/../share/aandacht/python. */
static int beside_binary(char *out, size_t n)
{
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0) return 0;
    exe[len] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash) return 0;
    *slash = '\0';
    if (snprintf(out, n, "%s/../share/aandacht/python", exe) >= (int)n) return 0;
    return has_package(out);
}

static int no_python(const char *why)
{
    fprintf(stderr,
            "aandacht report: %s\n"
            "aandacht report: it needs Python 3 with h5py, numpy, matplotlib and scipy; on Debian or Ubuntu:\n"
            "    sudo apt-get install " DEBIAN_PKGS "\n"
            "or set AANDACHT_PYTHON to an interpreter that has them\n", why);
    return 2;
}

int report_cmd(int argc, char **argv)
{
    const char *env_py = getenv("AANDACHT_PYTHON");
    const char *py = NULL;
    char why[PATH_MAX + 128];
    if (env_py && env_py[0]) {
        if (access(env_py, X_OK) != 0) {
            snprintf(why, sizeof why, "AANDACHT_PYTHON=%s: %s", env_py, strerror(errno));
            return no_python(why);
        }
        py = env_py;
    } else if (AD_REPORT_PYTHON[0] && access(AD_REPORT_PYTHON, X_OK) == 0) {
        py = AD_REPORT_PYTHON;
    } else if (access("/usr/bin/python3", X_OK) == 0) {
        py = "/usr/bin/python3";
    }
    if (!py) {
        for (int i = 2; i < argc; i++)
            if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(REPORT_USAGE, stdout); break; }
        return no_python(AD_REPORT_PYTHON[0] ? "the Python found at build time (" AD_REPORT_PYTHON
                                               ") is gone, and there is no /usr/bin/python3"
                                             : "no Python 3 interpreter found");
    }

    const char *env_dir = getenv("AANDACHT_ANALYSIS");
    char found[PATH_MAX];
    const char *dir = NULL;
    if (env_dir && env_dir[0]) {
        if (!has_package(env_dir)) {
            fprintf(stderr, "aandacht report: AANDACHT_ANALYSIS=%s has no aandacht/__main__.py "
                    "(it must be the directory that holds the aandacht package)\n", env_dir);
            return 2;
        }
        dir = env_dir;
    } else if (beside_binary(found, sizeof found)) {
        dir = found;
    } else if (has_package(AD_REPORT_ANALYSIS)) {
        dir = AD_REPORT_ANALYSIS;
    } else if (has_package(AD_REPORT_ANALYSIS_INSTALLED)) {
        dir = AD_REPORT_ANALYSIS_INSTALLED;
    } else {
        fprintf(stderr, "aandacht report: the analysis package is not where it was built (%s) or "
                "installed (%s); set AANDACHT_ANALYSIS to the directory that holds aandacht/\n",
                AD_REPORT_ANALYSIS[0] ? AD_REPORT_ANALYSIS : "?",
                AD_REPORT_ANALYSIS_INSTALLED[0] ? AD_REPORT_ANALYSIS_INSTALLED : "?");
        return 2;
    }

    const char *old = getenv("PYTHONPATH");
    size_t need = strlen(dir) + (old ? strlen(old) + 1 : 0) + 1;
    char *pp = malloc(need);
    if (!pp) { fputs("aandacht report: out of memory\n", stderr); return 1; }
    snprintf(pp, need, "%s%s%s", dir, old && old[0] ? ":" : "", old && old[0] ? old : "");
    if (setenv("PYTHONPATH", pp, 1) != 0) {
        fprintf(stderr, "aandacht report: cannot set PYTHONPATH: %s\n", strerror(errno));
        free(pp);
        return 1;
    }
    free(pp);

    /* the report runs this binary for its decision's reference runs
     * (analysis/aandacht/decision.py), unless the user chose another */
    char self[PATH_MAX];
    ssize_t self_len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (self_len > 0) {
        self[self_len] = '\0';
        if (setenv("AANDACHT_BINARY", self, 0) != 0) {
            fprintf(stderr, "aandacht report: cannot set AANDACHT_BINARY: %s\n", strerror(errno));
            return 1;
        }
    }

    /* PY -m aandacht report ARGS... NULL */
    char **args = calloc((size_t)argc + 4, sizeof *args);
    if (!args) { fputs("aandacht report: out of memory\n", stderr); return 1; }
    int k = 0;
    args[k++] = (char *)py;
    args[k++] = "-m";
    args[k++] = "aandacht";
    args[k++] = "report";
    for (int i = 2; i < argc; i++) args[k++] = argv[i];
    args[k] = NULL;
    fflush(stdout);
    fflush(stderr);
    execv(py, args);
    snprintf(why, sizeof why, "cannot run %s: %s", py, strerror(errno));
    free(args);
    return no_python(why);
}
