/* python_cmd.c: the commands handed over to the Python analysis package
 * (analysis/aandacht), `aandacht report` (report_cmd.c) and `aandacht
 * explore` (explore_cmd.c).
 *
 * The interpreter is $AANDACHT_PYTHON, else the one CMake found with h5py,
 * numpy, matplotlib and scipy (AD_REPORT_PYTHON, baked in at build time),
 * else /usr/bin/python3. The package directory is $AANDACHT_ANALYSIS, else
 * <directory of this binary>/../share/aandacht/python (an installed tree),
 * else the source tree it was built from (AD_REPORT_ANALYSIS), else the
 * install prefix it was configured for (AD_REPORT_ANALYSIS_INSTALLED). That
 * directory goes in front of PYTHONPATH, AANDACHT_BINARY is set to this
 * binary unless the user set it (the Python side runs it: the report's
 * decision runs, the explorer's every lever), and the process becomes
 * `PY -m aandacht NAME ARGS`, so Ctrl-C and the exit status are the
 * command's own. Nothing here is used by the engine: this file is linked
 * into the binary only, not into libaandacht.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "python_cmd.h"

#ifndef AD_REPORT_PYTHON
#define AD_REPORT_PYTHON ""
#endif
#ifndef AD_REPORT_ANALYSIS
#define AD_REPORT_ANALYSIS ""
#endif
#ifndef AD_REPORT_ANALYSIS_INSTALLED
#define AD_REPORT_ANALYSIS_INSTALLED ""
#endif

/* 1 if DIR/aandacht/__main__.py exists */
static int has_package(const char *dir)
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

/* The package directory beside an installed binary: <bindir>/../share/aandacht/python. */
static int beside_binary(char *out, size_t n)
{
    char exe[PATH_MAX];
    if (!own_path(exe, sizeof exe)) return 0;
    char *slash = strrchr(exe, '/');
    if (!slash) return 0;
    *slash = '\0';
    if (snprintf(out, n, "%s/../share/aandacht/python", exe) >= (int)n) return 0;
    return has_package(out);
}

/* Why the command cannot start and what to install; 2. "on Debian or
 * Ubuntu:" ends the line that says what is needed, or starts one of its own
 * when that line would pass 100 columns. */
static int no_python(const python_cmd *c, const char *why)
{
    static const char needs[] = ": it needs Python 3 with ", debian[] = "; on Debian or Ubuntu:";
    const int wrap = strlen("aandacht ") + strlen(c->name) + strlen(needs) + strlen(c->modules) + strlen(debian) > 100;
    fprintf(stderr,
            "aandacht %s: %s\n"
            "aandacht %s%s%s;%s%s%s on Debian or Ubuntu:\n"
            "    sudo apt-get install %s\n"
            "or set AANDACHT_PYTHON to an interpreter that has them\n",
            c->name, why, c->name, needs, c->modules, wrap ? "\naandacht " : "", wrap ? c->name : "",
            wrap ? ":" : "", c->debian);
    return 2;
}

/* The interpreter, or NULL with why filled in and *none 1 when there is
 * none at all (0 when $AANDACHT_PYTHON names one that does not run). */
static const char *find_python(char *why, size_t n, int *none)
{
    const char *env = getenv("AANDACHT_PYTHON");
    *none = 0;
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
    *none = 1;
    return NULL;
}

/* The directory holding the package (found: n bytes for one beside the
 * binary), or NULL after saying why. */
static const char *find_package(const python_cmd *c, char *found, size_t n)
{
    const char *env = getenv("AANDACHT_ANALYSIS");
    if (env && env[0]) {
        if (has_package(env)) return env;
        fprintf(stderr, "aandacht %s: AANDACHT_ANALYSIS=%s has no aandacht/__main__.py "
                "(it must be the directory that holds the aandacht package)\n", c->name, env);
        return NULL;
    }
    if (beside_binary(found, n)) return found;
    if (has_package(AD_REPORT_ANALYSIS)) return AD_REPORT_ANALYSIS;
    if (has_package(AD_REPORT_ANALYSIS_INSTALLED)) return AD_REPORT_ANALYSIS_INSTALLED;
    fprintf(stderr, "aandacht %s: the analysis package is not where it was built (%s) or installed (%s); "
            "set AANDACHT_ANALYSIS to the directory that holds aandacht/\n", c->name,
            AD_REPORT_ANALYSIS[0] ? AD_REPORT_ANALYSIS : "?",
            AD_REPORT_ANALYSIS_INSTALLED[0] ? AD_REPORT_ANALYSIS_INSTALLED : "?");
    return NULL;
}

/* PYTHONPATH with dir in front, AANDACHT_BINARY and (c->scenarios)
 * AANDACHT_SCENARIOS_INSTALLED unless set already; 1 after saying which
 * could not be set. */
static int set_environment(const python_cmd *c, const char *dir)
{
    const char *old = getenv("PYTHONPATH");
    size_t need = strlen(dir) + (old ? strlen(old) + 1 : 0) + 1;
    char *pp = malloc(need);
    if (!pp) {
        fprintf(stderr, "aandacht %s: out of memory\n", c->name);
        return 1;
    }
    snprintf(pp, need, "%s%s%s", dir, old && old[0] ? ":" : "", old && old[0] ? old : "");
    char self[PATH_MAX];
    const struct { const char *name, *value; int overwrite; } env[] = {
        {"PYTHONPATH", pp, 1},
        {"AANDACHT_BINARY", own_path(self, sizeof self) ? self : NULL, 0},
        {"AANDACHT_SCENARIOS_INSTALLED", c->scenarios && c->scenarios[0] ? c->scenarios : NULL, 0},
    };
    for (size_t i = 0; i < sizeof env / sizeof *env; i++)
        if (env[i].value && setenv(env[i].name, env[i].value, env[i].overwrite) != 0) {
            fprintf(stderr, "aandacht %s: cannot set %s: %s\n", c->name, env[i].name, strerror(errno));
            free(pp);
            return 1;
        }
    free(pp);
    return 0;
}

int python_cmd_run(const python_cmd *c, int argc, char **argv)
{
    char why[PATH_MAX + 128];
    int none;
    const char *py = find_python(why, sizeof why, &none);
    if (!py) {
        for (int i = 2; none && c->usage && i < argc; i++)
            if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
                fputs(c->usage, stdout);
                break;
            }
        return no_python(c, why);
    }
    char found[PATH_MAX];
    const char *dir = find_package(c, found, sizeof found);
    if (!dir) return 2;
    if (set_environment(c, dir) != 0) return 1;

    /* PY -m aandacht NAME ARGS... NULL */
    char **args = calloc((size_t)argc + 4, sizeof *args);
    if (!args) {
        fprintf(stderr, "aandacht %s: out of memory\n", c->name);
        return 1;
    }
    int k = 0;
    args[k++] = (char *)py;
    args[k++] = "-m";
    args[k++] = "aandacht";
    args[k++] = (char *)c->name;
    for (int i = 2; i < argc; i++) args[k++] = argv[i];
    args[k] = NULL;
    fflush(stdout);
    fflush(stderr);
    execv(py, args);
    snprintf(why, sizeof why, "cannot run %s: %s", py, strerror(errno));
    free(args);
    return no_python(c, why);
}
