/* explore_cmd.c: `aandacht explore` hands over to the Python analysis
 * package, whose web server (analysis/aandacht/explore.py) runs this binary
 * for every lever a strategist moves.
 *
 * The interpreter and the package are found as `aandacht report` finds them
 * (report_cmd.c): the interpreter is $AANDACHT_PYTHON, else the one CMake
 * found with h5py, numpy, matplotlib and scipy (AD_REPORT_PYTHON), else
 * /usr/bin/python3; the package directory is $AANDACHT_ANALYSIS, else
 * <directory of this binary>/../share/aandacht/python, else the source
 * tree's analysis/ (AD_REPORT_ANALYSIS), else the installed one
 * (AD_REPORT_ANALYSIS_INSTALLED). The server needs aiohttp besides: the
 * Python side says so when it is missing (Debian: python3-aiohttp).
 * AANDACHT_BINARY is set to this binary unless the user set it, and
 * AANDACHT_SCENARIOS_INSTALLED to the installed scenarios (the fallback of
 * the default scenario, baseline). The process becomes
 * `PY -m aandacht explore ARGS`, so Ctrl-C and the exit status are the
 * server's own. Linked into the binary only, not into libaandacht.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explore_cmd.h"

#ifndef AD_REPORT_PYTHON
#define AD_REPORT_PYTHON ""
#endif
#ifndef AD_REPORT_ANALYSIS
#define AD_REPORT_ANALYSIS ""
#endif
#ifndef AD_REPORT_ANALYSIS_INSTALLED
#define AD_REPORT_ANALYSIS_INSTALLED ""
#endif
#ifndef AD_SCENARIOS_INSTALLED
#define AD_SCENARIOS_INSTALLED ""
#endif

#define DEBIAN_PKGS "python3 python3-aiohttp python3-h5py python3-numpy python3-matplotlib python3-scipy"

/* 1 if DIR/aandacht/__main__.py exists */
static int package_in(const char *dir)
{
    char p[PATH_MAX];
    if (!dir || !dir[0]) return 0;
    if (snprintf(p, sizeof p, "%s/aandacht/__main__.py", dir) >= (int)sizeof p) return 0;
    return access(p, R_OK) == 0;
}

/* this binary's own path in self (n bytes); 0 when /proc does not say */
static int own_path(char *self, size_t n)
{
    ssize_t len = readlink("/proc/self/exe", self, n - 1);
    if (len <= 0) return 0;
    self[len] = '\0';
    return 1;
}

/* <bindir>/../share/aandacht/python, when the package is there */
static int package_beside_binary(char *out, size_t n)
{
    char exe[PATH_MAX];
    if (!own_path(exe, sizeof exe)) return 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return 0;
    *slash = '\0';
    if (snprintf(out, n, "%s/../share/aandacht/python", exe) >= (int)n) return 0;
    return package_in(out);
}

static int cannot_start(const char *why)
{
    fprintf(stderr,
            "aandacht explore: %s\n"
            "aandacht explore: it needs Python 3 with aiohttp, h5py, numpy, matplotlib and scipy;\n"
            "aandacht explore: on Debian or Ubuntu:\n"
            "    sudo apt-get install " DEBIAN_PKGS "\n"
            "or set AANDACHT_PYTHON to an interpreter that has them\n", why);
    return 2;
}

/* the interpreter, or NULL with why filled in */
static const char *find_python(char *why, size_t n)
{
    const char *env = getenv("AANDACHT_PYTHON");
    if (env && env[0]) {
        if (access(env, X_OK) == 0) return env;
        snprintf(why, n, "AANDACHT_PYTHON=%s: %s", env, strerror(errno));
        return NULL;
    }
    if (AD_REPORT_PYTHON[0] && access(AD_REPORT_PYTHON, X_OK) == 0) return AD_REPORT_PYTHON;
    if (access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
    snprintf(why, n, "%s", AD_REPORT_PYTHON[0] ? "the Python found at build time (" AD_REPORT_PYTHON
                                                 ") is gone, and there is no /usr/bin/python3"
                                               : "no Python 3 interpreter found");
    return NULL;
}

/* the directory holding the package, or NULL after saying why */
static const char *find_package(char *found, size_t n)
{
    const char *env = getenv("AANDACHT_ANALYSIS");
    if (env && env[0]) {
        if (package_in(env)) return env;
        fprintf(stderr, "aandacht explore: AANDACHT_ANALYSIS=%s has no aandacht/__main__.py "
                "(it must be the directory that holds the aandacht package)\n", env);
        return NULL;
    }
    if (package_beside_binary(found, n)) return found;
    if (package_in(AD_REPORT_ANALYSIS)) return AD_REPORT_ANALYSIS;
    if (package_in(AD_REPORT_ANALYSIS_INSTALLED)) return AD_REPORT_ANALYSIS_INSTALLED;
    fprintf(stderr, "aandacht explore: the analysis package is not where it was built (%s) or installed (%s); "
            "set AANDACHT_ANALYSIS to the directory that holds aandacht/\n",
            AD_REPORT_ANALYSIS[0] ? AD_REPORT_ANALYSIS : "?",
            AD_REPORT_ANALYSIS_INSTALLED[0] ? AD_REPORT_ANALYSIS_INSTALLED : "?");
    return NULL;
}

int explore_cmd(int argc, char **argv)
{
    char why[PATH_MAX + 128];
    const char *py = find_python(why, sizeof why);
    if (!py) return cannot_start(why);
    char found[PATH_MAX];
    const char *dir = find_package(found, sizeof found);
    if (!dir) return 2;

    const char *old = getenv("PYTHONPATH");
    size_t need = strlen(dir) + (old ? strlen(old) + 1 : 0) + 1;
    char *pp = malloc(need);
    if (!pp) { fputs("aandacht explore: out of memory\n", stderr); return 1; }
    snprintf(pp, need, "%s%s%s", dir, old && old[0] ? ":" : "", old && old[0] ? old : "");
    int bad = setenv("PYTHONPATH", pp, 1);
    free(pp);
    char self[PATH_MAX];
    if (!bad && own_path(self, sizeof self)) bad = setenv("AANDACHT_BINARY", self, 0);
    if (!bad && AD_SCENARIOS_INSTALLED[0]) bad = setenv("AANDACHT_SCENARIOS_INSTALLED", AD_SCENARIOS_INSTALLED, 0);
    if (bad) {
        fprintf(stderr, "aandacht explore: cannot set the environment: %s\n", strerror(errno));
        return 1;
    }

    /* PY -m aandacht explore ARGS... NULL */
    char **args = calloc((size_t)argc + 4, sizeof *args);
    if (!args) { fputs("aandacht explore: out of memory\n", stderr); return 1; }
    int k = 0;
    args[k++] = (char *)py;
    args[k++] = "-m";
    args[k++] = "aandacht";
    args[k++] = "explore";
    for (int i = 2; i < argc; i++) args[k++] = argv[i];
    args[k] = NULL;
    fflush(stdout);
    fflush(stderr);
    execv(py, args);
    snprintf(why, sizeof why, "cannot run %s: %s", py, strerror(errno));
    free(args);
    return cannot_start(why);
}
