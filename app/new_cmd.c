/* new_cmd.c: `aandacht new NAME`, a new scenario file made from another.
 *
 * The scenario it is made from (--from; baseline without it) is a path, or
 * the name of a shipped scenario, looked for as scenarios/NAME.cfg in the
 * current directory, then beside an installed binary
 * (<bindir>/../share/aandacht/scenarios) and in the install prefix it was
 * configured for (AD_SCENARIOS_INSTALLED). The copy is the original text
 * with a new opening comment and scenario.name (cfg_new_scenario_text); it
 * is written to a temporary file beside the target, loaded and checked as
 * aandacht check would, and only then renamed to the target, so a copy
 * that would not load is never left behind. Exit status: 0 written, 2 bad
 * usage, a bad name, a missing or invalid original, a target that exists
 * (without --force), 1 an input/output error.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "config_text.h"
#include "new_cmd.h"
#include "sweep.h"

#ifndef AD_SCENARIOS_INSTALLED
#define AD_SCENARIOS_INSTALLED ""
#endif

#define MAX_SCENARIO_BYTES (16L << 20)

const char *const NEW_USAGE =
    "usage: aandacht new NAME [--from SCENARIO] [-o PATH] [--force]\n"
    "\n"
    "Writes a new scenario file, scenarios/NAME.cfg (or PATH), as a copy of\n"
    "SCENARIO with scenario.name = \"NAME\" and its opening comment replaced by\n"
    "one to fill in (what the scenario asks, its question, what to look at, and\n"
    "the file it was made from); everything else is copied byte for byte. The\n"
    "new file passes aandacht check; change what the scenario tests, then run it.\n"
    "\n"
    "  NAME               the scenario's name: letters, digits, '_', '.' and '-',\n"
    "                     at most 63 bytes; runs write out/NAME.h5\n"
    "  --from SCENARIO    a scenario file, or the name of a shipped scenario\n"
    "                     (baseline, robot_rush, ...: scenarios/SCENARIO.cfg in the\n"
    "                     current directory, else the installed ones); default\n"
    "                     baseline\n"
    "  -o, --output PATH  the file to write (a directory: PATH/NAME.cfg);\n"
    "                     default scenarios/NAME.cfg, making scenarios/ if needed\n"
    "  --force            replace PATH if it exists\n";

static const char *const NEW_OPTIONS[] = {"--from", "-o", "--output", "--force", "--help", "-h", NULL};

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "aandacht: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n\n%s", NEW_USAGE);
    return 2;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The directories shipped scenarios are looked for in, in order; n of them. */
static int scenario_dirs(char dirs[3][PATH_MAX])
{
    int n = 0;
    snprintf(dirs[n++], PATH_MAX, "scenarios");
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            if (snprintf(dirs[n], PATH_MAX, "%s/../share/aandacht/scenarios", exe) < PATH_MAX && is_dir(dirs[n])) n++;
        }
    }
    if (AD_SCENARIOS_INSTALLED[0] && is_dir(AD_SCENARIOS_INSTALLED))
        snprintf(dirs[n++], PATH_MAX, "%s", AD_SCENARIOS_INSTALLED);
    return n;
}

/* No shipped scenario `name`: say where it was looked for, and suggest the
 * closest of the names found there. */
static int no_such_scenario(const char *name, char dirs[3][PATH_MAX], int n)
{
    char where[3 * PATH_MAX + 64] = "", *names[256];
    int count = 0;
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        used += (size_t)snprintf(where + used, sizeof where - used, "%s%s/%s.cfg", i ? (i + 1 == n ? " and " : ", ")
                                 : "", dirs[i], name);
        DIR *d = opendir(dirs[i]);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL && count < 255) {
            size_t len = strlen(e->d_name);
            if (len > 4 && !strcmp(e->d_name + len - 4, ".cfg") && (names[count] = malloc(len - 3)) != NULL)
                snprintf(names[count++], len - 3, "%s", e->d_name);
        }
        if (d) closedir(d);
    }
    names[count] = NULL;
    const char *near = cli_nearest(name, (const char *const *)names);
    if (near)
        fprintf(stderr, "aandacht: no scenario '%s' (did you mean '%s'?): looked for %s\n", name, near, where);
    else
        fprintf(stderr, "aandacht: no scenario '%s': looked for %s; give a scenario file's path or a shipped "
                "scenario's name\n", name, where);
    for (int i = 0; i < count; i++) free(names[i]);
    return 2;
}

/* The file --from names, to path. */
static int find_original(const char *from, char *path, size_t n)
{
    size_t len = strlen(from);
    if (strchr(from, '/') || (len > 4 && !strcmp(from + len - 4, ".cfg"))) {
        if (is_dir(from)) {
            fprintf(stderr, "aandacht: --from %s is a directory, not a scenario file\n", from);
            return 2;
        }
        if (!is_file(from)) {
            fprintf(stderr, "aandacht: --from %s: no such scenario file\n", from);
            return 2;
        }
        snprintf(path, n, "%s", from);
        return 0;
    }
    char dirs[3][PATH_MAX];
    int nd = scenario_dirs(dirs);
    for (int i = 0; i < nd; i++) {
        if ((size_t)snprintf(path, n, "%s/%s.cfg", dirs[i], from) < n && is_file(path)) return 0;
    }
    return no_such_scenario(from, dirs, nd);
}

/* The whole file at path, malloc'd; NULL with a message. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    long len = -1;
    char *buf = NULL;
    if (f && fseek(f, 0, SEEK_END) == 0) len = ftell(f);
    if (f && len >= 0 && len <= MAX_SCENARIO_BYTES && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)len + 1)) != NULL) {
        size_t got = fread(buf, 1, (size_t)len, f);
        buf[got] = '\0';
        if (memchr(buf, '\0', got)) { /* not a text file */
            free(buf);
            buf = NULL;
        }
    }
    if (!buf) {
        if (!f) fprintf(stderr, "aandacht: cannot read %s: %s\n", path, strerror(errno));
        else if (len > MAX_SCENARIO_BYTES) fprintf(stderr, "aandacht: %s is over 16 MB: not a scenario file\n", path);
        else fprintf(stderr, "aandacht: cannot read %s as a text file\n", path);
    }
    if (f) fclose(f);
    return buf;
}

/* The scenario file at path loads and its sweep (if any) checks, as
 * aandacht check would have it; else err says why. */
static int loads(const char *path, ad_error *err)
{
    static ad_config cfg;
    static sweep sw;
    int rc = cfg_load(&cfg, path, NULL, 0, err);
    if (!rc && !(rc = sweep_load(&sw, path, &cfg, err))) {
        rc = sweep_check(&sw, &cfg, err);
        sweep_free(&sw);
    }
    return rc;
}

/* Writes text to a new file beside target, checks that it loads, and
 * renames it to target. */
static int write_checked(const char *target, const char *text, const char *original)
{
    char tmp[PATH_MAX];
    ad_error err;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.newXXXXXX", target) >= sizeof tmp) {
        fprintf(stderr, "aandacht: the path %s is too long\n", target);
        return 2;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "aandacht: cannot write %s: %s\n", target, strerror(errno));
        return 1;
    }
    fchmod(fd, 0644);
    FILE *f = fdopen(fd, "w");
    size_t len = strlen(text);
    int ok = f && fwrite(text, 1, len, f) == len;
    if (f) ok = fclose(f) == 0 && ok;
    else close(fd);
    if (!ok) {
        fprintf(stderr, "aandacht: cannot write %s: %s\n", target, strerror(errno));
        unlink(tmp);
        return 1;
    }
    if (loads(tmp, &err)) {
        unlink(tmp);
        fprintf(stderr, "aandacht: %s was not written: the copy of %s does not load (line %d: %s)\n", target,
                original, err.line, err.msg);
        return 2;
    }
    if (rename(tmp, target) != 0) {
        fprintf(stderr, "aandacht: cannot write %s: %s\n", target, strerror(errno));
        unlink(tmp);
        return 1;
    }
    return 0;
}

/* The file to write, to target: -o as given (a directory: DIR/NAME.cfg),
 * or scenarios/NAME.cfg, making scenarios/ when there is none. */
static int target_path(const char *out, const char *name, char *target, size_t n)
{
    if (!out) {
        if (!is_dir("scenarios") && mkdir("scenarios", 0777) != 0) {
            fprintf(stderr, "aandacht: cannot make the directory scenarios/: %s\n", strerror(errno));
            return 1;
        }
        snprintf(target, n, "scenarios/%s.cfg", name);
        return 0;
    }
    if (is_dir(out)) {
        size_t len = strlen(out);
        if ((size_t)snprintf(target, n, "%s%s%s.cfg", out, len && out[len - 1] == '/' ? "" : "/", name) >= n) {
            fprintf(stderr, "aandacht: the path %s is too long\n", out);
            return 2;
        }
        return 0;
    }
    if (strlen(out) >= n) {
        fprintf(stderr, "aandacht: the path %s is too long\n", out);
        return 2;
    }
    snprintf(target, n, "%s", out);
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", out);
    char *slash = strrchr(dir, '/');
    if (slash) {
        *slash = '\0';
        if (dir[0] && !is_dir(dir)) {
            fprintf(stderr, "aandacht: cannot write %s: directory '%s' does not exist\n", out, dir);
            return 2;
        }
    }
    return 0;
}

/* a and b are the same file */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int new_cmd(int argc, char **argv)
{
    const char *name = NULL, *from = "baseline", *out = NULL;
    int force = 0;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(NEW_USAGE, stdout); return 0; }
        if (!strcmp(a, "--from")) {
            if (i + 1 >= argc) return usage_error("%s needs a scenario file or a shipped scenario's name", a);
            from = argv[++i];
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (i + 1 >= argc) return usage_error("%s needs a file name", a);
            out = argv[++i];
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_unknown_option(NEW_USAGE, NEW_OPTIONS, a);
        } else if (!name) {
            name = a;
        } else {
            return usage_error("unexpected argument '%s': give one NAME", a);
        }
    }
    if (!name) return usage_error("%s", "no NAME given: aandacht new NAME, e.g. aandacht new robot_rush_slow");
    char why[128];
    if (cfg_name_check(name, why, sizeof why)) {
        fprintf(stderr, "aandacht: '%s' cannot be a scenario's name: %s\n", name, why);
        return 2;
    }

    char original[PATH_MAX], target[PATH_MAX];
    int rc = find_original(from, original, sizeof original);
    if (rc) return rc;
    if ((rc = target_path(out, name, target, sizeof target))) return rc;
    if (is_dir(target)) {
        fprintf(stderr, "aandacht: %s is a directory; choose another NAME or -o\n", target);
        return 2;
    }
    if (same_file(target, original)) {
        fprintf(stderr, "aandacht: %s is the scenario the new one would be made from; choose another NAME or -o\n",
                target);
        return 2;
    }
    if (!force && access(target, F_OK) == 0) {
        fprintf(stderr, "aandacht: %s exists; pass --force to replace it, or choose another NAME or -o\n", target);
        return 2;
    }

    ad_error err;
    if (loads(original, &err)) {
        char msg[2048];
        ad_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "aandacht: %s\naandacht: %s is not a valid scenario: fix it, or make the new one from "
                "another\n", msg, original);
        return ad_exit_status(err.code);
    }
    char *text = read_text(original);
    if (!text) return 2;
    char *made = cfg_new_scenario_text(text, name, original, &err);
    free(text);
    if (!made) {
        char msg[2048];
        ad_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "aandacht: %s\n", msg);
        return ad_exit_status(err.code);
    }
    rc = write_checked(target, made, original);
    free(made);
    if (rc) return rc;
    printf("%s: new scenario %s, made from %s\n"
           "next: fill in its opening comment, change what it tests, and run aandacht check %s\n",
           target, name, original, target);
    return 0;
}
