/* main.c: the aandacht command line (run, sweep, merge, check, report,
 * params, new, help, version).
 *
 * Parses arguments, loads the scenario, runs the world week by week writing
 * each week to HDF5, shows its progress (progress.h: a line redrawn on a
 * terminal, a line every few seconds in a log) and prints a summary. Exit
 * status: 0 success, 1 runtime failure (I/O, memory), 2 bad usage or bad
 * configuration, 128 + the signal's number when SIGINT (Ctrl-C: 130) or
 * SIGTERM (143) stopped a run. Such a signal stops the run after the
 * current week; the weeks already written stay in OUT.partial, marked
 * incomplete. A misspelt command or option gets a "did
 * you mean" (cli.h); `aandacht help COMMAND` shows a command's options,
 * `aandacht new` makes a scenario file from another (new_cmd.h). A
 * scenario's sweep
 * group (sweep.h) is checked by run and check; run without --sweep-point
 * runs the base scenario, with --sweep-point K the sweep's run K; sweep
 * runs them all into one file (sweep_run.h), or one shard of them, and
 * merge joins the shard files (h5sweep_merge.h); report hands over to the
 * Python analysis package (report_cmd.h), and so does explore, a local web
 * page with sliders (explore_cmd.h); run --stream prints each week as a
 * JSON line (stream.h).
 *
 * Repeated options (--set, --seed, --weeks, the shard files of merge) go to
 * lists sized by the number of arguments, so any number of them is taken;
 * option values are used whole, never cut to a buffer. Where a layer below
 * keeps a value in a fixed buffer, the value is refused here with exit
 * status 2 and a message giving the bound: a scenario file's path (at most
 * sizeof ad_config.source - 1 bytes, 511), the -o of run and merge
 * (OUT_PATH_MAX) and that of sweep (SWEEP_OUT_MAX).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/stat.h>

#include "aandacht.h"
#include "cli.h"
#include "h5out.h"
#include "h5sweep_merge.h"
#include "h5verify.h"
#include "run_state.h"
#include "new_cmd.h"
#include "progress.h"
#include "report_cmd.h"
#include "explore_cmd.h"
#include "stream.h"
#include "sweep.h"
#include "sweep_run.h"

/* Longest -o of run and merge: the output layer keeps OUT.partial in
 * H5OUT_PATH_MAX (4096) bytes. */
#define OUT_PATH_MAX (4096 - sizeof ".partial")

/* Longest -o of sweep: sweep_run.c builds the output file's name, shard
 * part and .partial included, in buffers of 1024 bytes and more. */
#define SWEEP_OUT_MAX 1023

/* Longest scenario file path: the loader keeps it in ad_config.source (for
 * messages, @include and the output's scenario_file attribute). */
#define SCENARIO_PATH_MAX (sizeof(((ad_config *)0)->source) - 1)

/* The signal that asked a run to stop (0: none): the run finishes its
 * week and leaves its file marked incomplete. */
static volatile sig_atomic_t stop_requested;
/* exit status of a run stopped by a signal after saving a checkpoint: run
 * the same command again to go on (sysexits.h's EX_TEMPFAIL) */
#define AD_EXIT_CHECKPOINTED 75
static void on_signal(int sig) { stop_requested = sig; }

static const char *USAGE =
    "usage: aandacht <command> [options]\n"
    "\n"
    "commands:\n"
    "  run FILE.cfg     run a scenario and write its observables to HDF5\n"
    "  sweep FILE.cfg   run every run of the file's sweep into one HDF5 file\n"
    "  merge SHARD.h5.. join the shard files of a sweep (sweep --shard) into one\n"
    "  check FILE.cfg   validate a scenario and print the resolved configuration\n"
    "  report OUT.h5..  charts, CSV files and an HTML report with the claims scorecard\n"
    "  explore [FILE]   a local web page with sliders: move a lever, watch the run\n"
    "  params           list every parameter: type, default, range, unit, meaning\n"
    "  new NAME         write scenarios/NAME.cfg, a new scenario made from another\n"
    "  verify OUT.h5..  check that output files are intact (checksums) and complete\n"
    "  help [COMMAND]   this text, or the options of a command\n"
    "  version          the version of aandacht and whether MPI is built in\n"
    "\n"
    "aandacht help COMMAND (or aandacht COMMAND --help) shows the options of a\n"
    "command. A misspelt command or option is refused with exit status 2 and a\n"
    "suggestion (did you mean ...?).\n";

static const char *RUN_USAGE =
    "usage: aandacht run FILE.cfg [-o OUT.h5] [--set KEY=VALUE]... [--seed N] [--weeks N]\n"
    "                    [--threads N] [--force] [--quiet] [--sweep-point K]\n"
    "                    [--save-state STATE.h5 [--at WEEK]] [--from STATE.h5]\n"
    "                    [--checkpoint-every N] [--stream]\n"
    "\n"
    "Runs the scenario and writes every week's observables to OUT.h5 (default\n"
    "out/<scenario name>.h5). The file is written as OUT.h5.partial and renamed\n"
    "when the run completes. An OUT.h5 that exists is left alone unless --force:\n"
    "when it holds a run of another scenario file, the message names that file.\n"
    "\n"
    "Progress goes to standard error: on a terminal one line, redrawn, with the\n"
    "time left; otherwise (a log) a line at the start, every 5 seconds and at\n"
    "the end. Ctrl-C (or SIGTERM) stops the run after the current week:\n"
    "OUT.h5 is not written, the weeks finished stay in OUT.h5.partial, marked\n"
    "incomplete (root attribute complete = 0), and the exit status is 130 (143\n"
    "for SIGTERM).\n"
    "\n"
    "  -o, --output OUT.h5   output file\n"
    "  --set KEY=VALUE       override a parameter (repeatable), e.g.\n"
    "                        --set population.customers=20000\n"
    "                        --set brands.[1].automation.target=0.8\n"
    "  --seed N              same as --set scenario.seed=N\n"
    "  --weeks N             same as --set scenario.weeks=N\n"
    "  --threads N           OpenMP threads (results do not depend on it)\n"
    "  --force               overwrite OUT.h5 if it exists\n"
    "  --quiet               no progress lines and no summary\n"
    "  --sweep-point K       run K of the file's sweep (0 to runs - 1; aandacht check\n"
    "                        shows the runs): point K / replications, replication\n"
    "                        K % replications, applied after the --set options;\n"
    "                        default output out/<scenario name>_run<K>.h5. Without\n"
    "                        it, a file with a sweep runs its base scenario.\n"
    "  --save-state STATE.h5 also save the whole state of the market (every customer,\n"
    "                        employee, the network, the brands) after week --at\n"
    "  --at WEEK             the week to save after: -1 (the default) is the end of\n"
    "                        the warm-up, 0 to weeks - 1 a recorded week, below -1 a\n"
    "                        week of the warm-up (down to -warmup)\n"
    "  --from STATE.h5       start from a saved state instead of the beginning: the\n"
    "                        same configuration continues the saving run exactly\n"
    "                        (OUT.h5 holds the weeks after the state's); other policy\n"
    "                        keys make a branch. The seed, warm-up, population,\n"
    "                        network and brands must be the state's, and events and\n"
    "                        interventions up to its week too (docs/scenario-files.md)\n"
    "  --checkpoint-every N  every N weeks (the warm-up's included) keep the state in\n"
    "                        OUT.h5.checkpoint; Ctrl-C or SIGTERM then saves one and\n"
    "                        stops with exit status 75, and the same command run\n"
    "                        again goes on from it to the same result (docs/hpc.md)\n"
    "  --stream              also print each recorded week's observables on standard\n"
    "                        output as it is done: one JSON object a line, flushed,\n"
    "                        named as in the HDF5 file, and a last line\n"
    "                        {\"event\":\"done\",...} once OUT.h5 is complete (no summary)\n";

static const char *SWEEP_USAGE =
    "usage: aandacht sweep FILE.cfg [-o OUT.h5] [--set KEY=VALUE]... [--jobs N] [--threads N]\n"
    "                      [--force] [--quiet] [--resume] [--shard I/N] [--no-branching]\n"
    "\n"
    "Runs every run of the file's sweep (aandacht check shows them) and writes\n"
    "them to one file, OUT.h5 (default out/<scenario name>_sweep.h5), with a run\n"
    "dimension before week and brand (docs/output.md, Sweep files). Run K is the\n"
    "same as aandacht run FILE.cfg --sweep-point K. Written as OUT.h5.partial and\n"
    "renamed when every run is done; a run that fails is recorded and the\n"
    "others go on. Ctrl-C (or SIGTERM) stops it after the runs under way: the\n"
    "runs finished are kept in OUT.h5.partial (--resume finishes it) and the\n"
    "exit status is 130 (143 for SIGTERM). Such a partial is never started over\n"
    "without --resume or --force: the sweep refuses (exit status 2) and says\n"
    "how many finished runs it holds. On a terminal a progress line is redrawn;\n"
    "in a log (standard error not a terminal) a line at the start, every 5\n"
    "seconds and at the end gives the runs finished, failed, runs/min and ETA.\n"
    "\n"
    "  -o, --output OUT.h5   output file\n"
    "  --set KEY=VALUE       override a parameter of the base scenario (repeatable)\n"
    "  --jobs N              runs side by side (default 1)\n"
    "  --threads N           OpenMP threads in all, shared by the jobs\n"
    "  --force               overwrite OUT.h5 if it exists, and start over instead of\n"
    "                        finishing an interrupted sweep's OUT.h5.partial\n"
    "  --quiet               no progress lines and no summary\n"
    "  --resume              finish OUT.h5.partial left by an interrupted sweep of the\n"
    "                        same file and options: run only its runs not yet ok\n"
    "  --shard I/N           run only the runs K with K % N == I (0 <= I < N), into the\n"
    "                        shard file OUT.shard<I>of<N>.h5 (default\n"
    "                        out/<scenario name>_sweep.shard<I>of<N>.h5; an OUT that ends\n"
    "                        in .shard<I>of<N>.h5 is used as it is); aandacht merge\n"
    "                        joins the N shard files into OUT.h5 (docs/hpc.md)\n"
    "  --no-branching        with sweep.branch_from_warmup, run every run's warm-up\n"
    "                        anyway: the same numbers, slower (to check or time it)\n"
    "\n"
    "Started by mpirun, mpiexec or srun (a build with -DAANDACHT_MPI=ON; see\n"
    "aandacht --version), the runs are spread over the MPI ranks: rank 0 writes\n"
    "the file and hands out the runs, the other ranks compute them, each --jobs\n"
    "runs side by side with --threads threads in all (docs/hpc.md).\n";

static const char *MERGE_USAGE =
    "usage: aandacht merge SHARD.h5... [-o OUT.h5] [--force] [--quiet]\n"
    "\n"
    "Joins the N shard files of a sweep (aandacht sweep FILE.cfg --shard I/N, for\n"
    "I = 0 .. N-1) into OUT.h5, the file a single aandacht sweep FILE.cfg writes\n"
    "(every variable equal but wall_time, every root attribute but created).\n"
    "The shards must be complete and come from the same scenario, --set options,\n"
    "sweep and build; together they must hold every run once. Otherwise nothing\n"
    "is written, the message names the shards or runs missing, and the exit\n"
    "status is 2. Written as OUT.h5.partial and renamed when whole.\n"
    "\n"
    "  -o, --output OUT.h5   output file (default: the first shard's name without\n"
    "                        .shard<I>of<N>, e.g. out/x_sweep.shard0of4.h5 -> out/x_sweep.h5)\n"
    "  --force               overwrite OUT.h5 if it exists\n"
    "  --quiet               no summary\n";

static const char *CHECK_USAGE =
    "usage: aandacht check FILE.cfg [--set KEY=VALUE]... [--sweep-point K] [--runs]\n"
    "\n"
    "Validates the scenario and prints the resolved configuration (every\n"
    "parameter; values not given in the file are marked '# default').\n"
    "When the file has a sweep, checks it (every point, up to 10000) and\n"
    "prints after the configuration a summary and its runs: run K, point,\n"
    "replication, seed and each swept value as applied (the first 20 and the\n"
    "last 5 of a larger sweep), all as comment lines, so that the output is\n"
    "still a scenario file; with --sweep-point K the configuration printed is\n"
    "that of the sweep's run K.\n"
    "  --runs   list every run of the sweep\n"
    "Exit status 0 when valid, 2 when not, with a message that names the file,\n"
    "the line and the key and says what would fix it: a misspelt key gets a\n"
    "suggestion, a value out of range its range, and a syntax error what is\n"
    "missing or one too many (e.g. a ',' between two brands).\n";

static const char *PARAMS_USAGE =
    "usage: aandacht params [--markdown | --json]\n"
    "\n"
    "Lists every parameter with its type, default, range, unit and meaning.\n"
    "  --markdown   as docs/parameters.md\n"
    "  --json       as one JSON object: {\"parameters\": [{\"key\", \"per_brand\",\n"
    "               \"type\", \"default\", \"min\", \"max\", \"unit\", \"doc\", ...}, ...]}\n";

static const char *VERIFY_USAGE =
    "usage: aandacht verify FILE.h5 [MORE.h5 ...] [--quiet]\n"
    "\n"
    "Checks that each run or sweep file is intact and complete: every object\n"
    "and attribute opens, every variable reads back whole against its checksums\n"
    "(Fletcher32, per chunk), complete = 1, and every week of a run or every\n"
    "run of a sweep is finished. Prints one line per file.\n"
    "  --quiet   print only the files that fail\n"
    "\n"
    "Exit status: 0 every file intact and complete; 2 a file damaged or not an\n"
    "aandacht file; 3 a file intact but incomplete (an interrupted run, or a\n"
    "sweep to finish with sweep --resume). With several files, the worst.\n";

static const char *HELP_USAGE =
    "usage: aandacht help [COMMAND]\n"
    "\n"
    "Without COMMAND, lists the commands; with one (run, sweep, merge, check,\n"
    "report, explore, params, new, verify, help, version), shows its options, as\n"
    "aandacht COMMAND --help does. An unknown COMMAND is exit status 2.\n";

static const char *VERSION_USAGE =
    "usage: aandacht version   (or aandacht --version)\n"
    "\n"
    "Prints the version and git commit of aandacht, and whether MPI is built in.\n";

/* the options of each command, for "did you mean" */
static const char *const RUN_OPTIONS[] = {"-o", "--output", "--set", "--seed", "--weeks", "--threads", "--force",
                                          "--quiet", "--sweep-point", "--save-state", "--at", "--from",
                                          "--checkpoint-every", "--stream", "--help", "-h", NULL};
static const char *const CHECK_OPTIONS[] = {"--set", "--sweep-point", "--runs", "--help", "-h", NULL};
static const char *const SWEEP_OPTIONS[] = {"-o", "--output", "--set", "--jobs", "--threads", "--force", "--quiet",
                                            "--resume", "--shard", "--no-branching", "--help", "-h", NULL};
static const char *const MERGE_OPTIONS[] = {"-o", "--output", "--force", "--quiet", "--help", "-h", NULL};
static const char *const PARAMS_OPTIONS[] = {"--markdown", "--json", "--help", "-h", NULL};
static const char *const VERSION_OPTIONS[] = {"--help", "-h", NULL};
static const char *const VERIFY_OPTIONS[] = {"--quiet", "--help", "-h", NULL};

static int fail(const ad_error *err)
{
    char msg[2048];
    ad_error_format(err, msg, sizeof msg);
    fprintf(stderr, "aandacht: %s\n", msg);
    return ad_exit_status(err->code);
}

static int usage_error(const char *usage, const char *fmt, const char *arg)
{
    fprintf(stderr, "aandacht: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n\n%s", usage);
    return 2;
}

static int out_of_memory(void)
{
    fprintf(stderr, "aandacht: out of memory reading the command line\n");
    return 1;
}

/* A value longer than a layer below can keep: one line, exit status 2. */
static int too_long(const char *what, size_t len, size_t max)
{
    fprintf(stderr, "aandacht: %s is %zu bytes long: at most %zu bytes are allowed\n", what, len, max);
    return 2;
}

typedef struct run_opts {
    const char *file, *out;
    const char **sets;          /* --set, --seed and --weeks in the order given (argc entries) */
    int n_sets;
    char **owned;               /* the "scenario.seed=N" texts made for --seed and --weeks */
    int n_owned;
    int threads, force, quiet;
    int has_point;              /* --sweep-point given */
    int list_runs;              /* check --runs: list every run of the sweep */
    long long point;            /* its K */
    const char *save_state;     /* --save-state STATE.h5 */
    int has_at;                 /* --at given */
    long long at;               /* its week (default -1: the end of the warm-up) */
    const char *from;           /* --from STATE.h5 */
    long long checkpoint_every; /* --checkpoint-every N weeks (0: none) */
    int stream;                 /* --stream: each week as a JSON line on standard output (stream.h) */
} run_opts;

static void run_opts_free(run_opts *o)
{
    for (int k = 0; k < o->n_owned; k++) free(o->owned[k]);
    free(o->owned);
    free((void *)o->sets);
    o->owned = NULL;
    o->sets = NULL;
    o->n_owned = o->n_sets = 0;
}

/* parses options shared by run and check; returns 0, -1 after --help, or an
 * exit status; the caller frees o with run_opts_free in every case */
static int parse_opts(int argc, char **argv, run_opts *o, int is_run, const char *usage)
{
    memset(o, 0, sizeof *o);
    /* each --set, --seed or --weeks takes an argument: never more than argc */
    o->sets = calloc((size_t)argc, sizeof *o->sets);
    o->owned = calloc((size_t)argc, sizeof *o->owned);
    if (!o->sets || !o->owned) return out_of_memory();
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(usage, stdout); return -1; }
        if (!strcmp(a, "--set")) {
            if (!val) return usage_error(usage, "%s needs KEY=VALUE", a);
            o->sets[o->n_sets++] = val;
            i++;
        } else if (!strncmp(a, "--set=", 6)) {
            o->sets[o->n_sets++] = a + 6;
        } else if (is_run && (!strcmp(a, "-o") || !strcmp(a, "--output"))) {
            if (!val) return usage_error(usage, "%s needs a file name", a);
            if (strlen(val) > OUT_PATH_MAX) return too_long("the output path (-o)", strlen(val), OUT_PATH_MAX);
            o->out = val;
            i++;
        } else if (is_run && (!strcmp(a, "--seed") || !strcmp(a, "--weeks"))) {
            if (!val) return usage_error(usage, "%s needs a whole number", a);
            const char *key = !strcmp(a, "--seed") ? "scenario.seed" : "scenario.weeks";
            size_t n = strlen(key) + 1 + strlen(val) + 1;
            char *set = malloc(n);
            if (!set) return out_of_memory();
            snprintf(set, n, "%s=%s", key, val);
            o->owned[o->n_owned++] = set;
            o->sets[o->n_sets++] = set;
            i++;
        } else if (is_run && !strcmp(a, "--threads")) {
            char *end;
            errno = 0;
            long t = val ? strtol(val, &end, 10) : 0;
            if (!val || errno || *end || t < 1 || t > 1024)
                return usage_error(usage, "--threads needs a whole number from 1 to 1024, not '%s'", val ? val : "");
            o->threads = (int)t;
            i++;
        } else if (!strcmp(a, "--sweep-point")) {
            char *end;
            errno = 0;
            o->point = val ? strtoll(val, &end, 10) : 0;
            if (!val || errno || *end || !*val)
                return usage_error(usage, "--sweep-point needs a whole number K (a run of the sweep), not '%s'",
                                   val ? val : "");
            o->has_point = 1;
            i++;
        } else if (is_run && (!strcmp(a, "--save-state") || !strcmp(a, "--from"))) {
            if (!val || !*val) return usage_error(usage, "%s needs a state file (.h5)", a);
            if (strlen(val) > OUT_PATH_MAX) return too_long(a, strlen(val), OUT_PATH_MAX);
            *(!strcmp(a, "--from") ? &o->from : &o->save_state) = val;
            i++;
        } else if (is_run && !strcmp(a, "--checkpoint-every")) {
            char *end;
            errno = 0;
            o->checkpoint_every = val ? strtoll(val, &end, 10) : 0;
            if (!val || errno || *end || !*val || o->checkpoint_every < 1 || o->checkpoint_every > 1000000)
                return usage_error(usage, "--checkpoint-every needs a number of weeks from 1 to 1000000, not '%s'",
                                   val ? val : "");
            i++;
        } else if (is_run && !strcmp(a, "--at")) {
            char *end;
            errno = 0;
            o->at = val ? strtoll(val, &end, 10) : 0;
            if (!val || errno || *end || !*val || o->at < -1000000 || o->at > 1000000)
                return usage_error(usage, "--at needs a week: a whole number (-1 the end of the warm-up), not '%s'",
                                   val ? val : "");
            o->has_at = 1;
            i++;
        } else if (is_run && !strcmp(a, "--force")) {
            o->force = 1;
        } else if (is_run && !strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (is_run && !strcmp(a, "--stream")) {
            o->stream = 1;
        } else if (!is_run && !strcmp(a, "--runs")) {
            o->list_runs = 1;
        } else if (!is_run && (!strcmp(a, "--seed") || !strcmp(a, "--weeks"))) {
            return usage_error(usage, !strcmp(a, "--seed") ? "check has no %s: write --set scenario.seed=N"
                                                           : "check has no %s: write --set scenario.weeks=N", a);
        } else if (a[0] == '-' && a[1]) {
            return cli_unknown_option(usage, is_run ? RUN_OPTIONS : CHECK_OPTIONS, a);
        } else if (!o->file) {
            o->file = a;
        } else {
            return usage_error(usage, "unexpected argument '%s'", a);
        }
    }
    if (!o->file) return usage_error(usage, "%s", "no scenario file given");
    if (strlen(o->file) > SCENARIO_PATH_MAX)
        return too_long("the scenario file's path", strlen(o->file), SCENARIO_PATH_MAX);
    if (o->has_at && !o->save_state) return usage_error(usage, "%s", "--at says when to save: give --save-state too");
    if (!o->has_at) o->at = -1;
    return 0;
}

/* n with thousands separators (1234567 -> "1,234,567"), in buf */
static const char *grouped(int64_t n, char *buf, size_t size)
{
    char digits[32];
    const int len = snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? -n : n));
    size_t k = 0;
    if (n < 0 && k + 1 < size) buf[k++] = '-';
    for (int i = 0; i < len && k + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0) buf[k++] = ',';
        buf[k++] = digits[i];
    }
    buf[k] = '\0';
    return buf;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void print_summary(const ad_config *cfg, const ad_obs *first, const ad_obs *last, int64_t wk)
{
    printf("\n%-16s %17s %17s %17s %17s %23s\n", "brand", "market share", "loyalty", "NPS",
           "tip rate", "profit/week");
    printf("%-16s %17s %17s %17s %17s %23s\n", "", "wk 0 -> last", "wk 0 -> last", "wk 0 -> last",
           "wk 0 -> last", "wk 0 -> last");
    for (int b = 0; b < cfg->n_brands; b++) {
        char tips[32];
        if (cfg->tip_on)
            snprintf(tips, sizeof tips, "%5.1f%% -> %5.1f%%", 100 * first->brand[AD_B_tip_rate][b],
                     100 * last->brand[AD_B_tip_rate][b]);
        else
            snprintf(tips, sizeof tips, "%15s", "(no tipping)");
        printf("%-16s  %6.1f%% -> %5.1f%%   %6.3f -> %5.3f   %+6.1f -> %+5.1f   %s  %10.0f -> %10.0f\n",
               cfg->brands[b].name, 100 * first->brand[AD_B_market_share][b],
               100 * last->brand[AD_B_market_share][b], first->brand[AD_B_mean_loyalty][b],
               last->brand[AD_B_mean_loyalty][b], first->brand[AD_B_nps][b], last->brand[AD_B_nps][b], tips,
               first->brand[AD_B_profit][b], last->brand[AD_B_profit][b]);
    }
    printf("\nmarket, week 0 -> week %lld: automation %.0f%% -> %.0f%%, attention scarcity %.2f -> %.2f, "
           "engaged staff %.0f%% -> %.0f%%, jobs %.0f -> %.0f\n",
           (long long)wk, 100 * first->market[AD_M_automation_share], 100 * last->market[AD_M_automation_share],
           first->market[AD_M_attention_scarcity], last->market[AD_M_attention_scarcity],
           100 * first->market[AD_M_engaged_share], 100 * last->market[AD_M_engaged_share],
           first->market[AD_M_jobs], last->market[AD_M_jobs]);
}

/* The scenario file a run read, and the one an existing output file says it
 * was written from, are the same file: the same path, or paths that lead
 * to the same file, or (when the one recorded cannot be found from here)
 * the same file name. */
static int same_scenario_file(const char *held, const char *source)
{
    struct stat a, b;
    if (!strcmp(held, source)) return 1;
    if (stat(held, &a) == 0 && stat(source, &b) == 0) return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
    const char *ha = strrchr(held, '/'), *sa = strrchr(source, '/');
    return stat(held, &a) != 0 && !strcmp(ha ? ha + 1 : held, sa ? sa + 1 : source);
}

/* OUT exists and holds a run of another scenario file: names that file and
 * says how to keep both (AD_ERR_EXISTS). AD_OK when OUT does not exist,
 * is not an aandacht file, or holds a run of this scenario file: then
 * h5out_open says what it says of any file in the way. */
static int other_scenario_in(const char *outpath, const ad_config *cfg, int out_given, ad_error *err)
{
    struct stat st;
    char held[sizeof cfg->source];
    if (stat(outpath, &st) != 0 || !S_ISREG(st.st_mode)) return AD_OK;
    if (h5out_read_scenario_file(outpath, held, sizeof held) != 0 || !held[0]) return AD_OK;
    if (same_scenario_file(held, cfg->source)) return AD_OK;
    if (out_given)
        return ad_error_set(err, AD_ERR_EXISTS, NULL, 0, NULL, "%s holds scenario file %s, not %s: choose another "
                            "file with -o (or --force to replace it)", outpath, held, cfg->source);
    return ad_error_set(err, AD_ERR_EXISTS, NULL, 0, NULL, "%s holds scenario file %s, not %s: set scenario.name "
                        "in %s or choose another file with -o (or --force to replace it)", outpath, held,
                        cfg->source, cfg->source);
}

/* --checkpoint-every: the weeks so far on disk, then the state after them
 * as OUT.checkpoint (replaced whole: a new file renamed over the old) */
static int checkpoint(const run_opts *o, h5out *out, ad_world *w, const char *ckpt, const char *resolved,
                      ad_error *err)
{
    int rc = h5out_flush(out, err);
    return rc ? rc : run_state_save(ckpt, w, resolved, o->file, 1, err);
}

/* A signal with --checkpoint-every: a checkpoint now, and the run stops
 * (AD_ERR_INTERRUPTED, exit status AD_EXIT_CHECKPOINTED) */
static int stop_at_checkpoint(const run_opts *o, h5out *out, ad_world *w, const char *ckpt, const char *resolved,
                              const char *outpath, int64_t warmup, progress *pr, ad_error *err)
{
    int rc = checkpoint(o, out, w, ckpt, resolved, err);
    if (rc) return rc;
    progress_break(pr);
    const int64_t week = ad_world_steps(w) - warmup - 1;
    return ad_error_set(err, AD_ERR_INTERRUPTED, NULL, 0, NULL,
                        "stopped by %s after week %lld; its state is in %s and its weeks in %s.partial: run the "
                        "same command again to go on from there",
                        stop_requested == SIGTERM ? "SIGTERM" : "Ctrl-C", (long long)week, ckpt, outpath);
}

/* --save-state: the world's state after this step, with a line saying so */
static int save_state(const run_opts *o, ad_world *w, const char *resolved, progress *pr, ad_error *err)
{
    const double t0 = now_s();
    int rc = run_state_save(o->save_state, w, resolved, o->file, o->force, err);
    if (!rc && !o->quiet) {
        progress_break(pr);
        fprintf(stderr, "aandacht: saved the state after week %lld%s to %s (%.2f s)\n", o->at,
                o->at == -1 ? " (the end of the warm-up)" : o->at < -1 ? " (in the warm-up)" : "", o->save_state,
                now_s() - t0);
    }
    return rc;
}

static int run_scenario(const run_opts o)
{
    int rc;
    ad_error err;
    ad_error_clear(&err);
    static ad_config cfg;
    static sweep sw;
    if (cfg_load(&cfg, o.file, o.sets, o.n_sets, &err)) return fail(&err);
    if (sweep_load(&sw, o.file, &cfg, &err)) return fail(&err);
    rc = o.has_point ? sweep_apply(&sw, o.point, &cfg, &err) : AD_OK;
    sweep_free(&sw);
    if (rc) return fail(&err);

    /* -o as given (at most OUT_PATH_MAX bytes); the default holds the
     * scenario name, which fits cfg.name */
    char defpath[sizeof cfg.name + 48];
    if (o.has_point) snprintf(defpath, sizeof defpath, "out/%s_run%lld.h5", cfg.name, o.point);
    else snprintf(defpath, sizeof defpath, "out/%s.h5", cfg.name);
    const char *outpath = o.out ? o.out : defpath;
    if (!o.force && other_scenario_in(outpath, &cfg, o.out != NULL, &err)) return fail(&err);

    char *resolved = cfg_format_resolved(&cfg, 0);
    if (!resolved) return fail(&(ad_error){.code = AD_ERR_NOMEM, .msg = "out of memory"});
    h5out *out = NULL;
    ad_world *w = NULL;
    static ad_obs first;
    ad_snapshot *snap = NULL;
    progress pr = {.mode = PROGRESS_OFF};
    /* from here a signal stops the run cleanly, after the current week; set
     * before the output file exists, so that a signal while it is created
     * (or the world is built) still leaves a readable file marked incomplete */
    stop_requested = 0;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    /* --checkpoint-every: the latest state is kept as OUT.checkpoint; a run
     * stopped after one (OUT.partial beside it) goes on from it when the
     * same command is run again */
    char ckpt[OUT_PATH_MAX + 16] = "", partial[OUT_PATH_MAX + 16];
    snprintf(partial, sizeof partial, "%s.partial", outpath);
    int resume = 0, checkpointed = 0;
    if (o.checkpoint_every > 0) {
        snprintf(ckpt, sizeof ckpt, "%s.checkpoint", outpath);
        if (o.force) {
            unlink(ckpt); /* starting over, as asked */
        } else if (access(partial, F_OK) == 0 && access(ckpt, F_OK) == 0) {
            resume = 1;
        } else if (access(partial, F_OK) == 0) { /* stopped before its first checkpoint: start over */
            if ((rc = h5out_discard_partial(outpath, &err))) goto done;
            if (!o.quiet) fprintf(stderr, "aandacht: %s holds no checkpoint yet: starting the run over\n", partial);
        }
    }
    /* a run from a saved state: the state is checked and loaded before the
     * output file exists, so that a refused one leaves nothing behind */
    run_origin origin = {0};
    if (resume) {
        if ((rc = run_state_load(ckpt, &cfg, o.threads, &w, &origin, &err))) goto done;
        if (!origin.same) {
            rc = ad_error_set(&err, AD_ERR_USAGE, ckpt, 0, NULL,
                              "was saved by a run of another configuration than this command's; run the command "
                              "that made it, or pass --force to start over");
            goto done;
        }
    } else if (o.from) {
        const double t0 = now_s();
        if ((rc = run_state_load(o.from, &cfg, o.threads, &w, &origin, &err))) goto done;
        if (!o.quiet)
            fprintf(stderr, "aandacht: loaded the state %s (after week %lld; %s) in %.2f s\n", o.from,
                    (long long)origin.week, origin.same ? "this configuration's" : "a branch", now_s() - t0);
    }
    const int64_t first_week = (o.from || resume) && origin.week + 1 > 0 ? origin.week + 1 : 0;
    /* --save-state: after week o.at, that is after this many steps */
    const int64_t save_steps = o.save_state ? cfg.warmup + o.at + 1 : -1;
    if (o.save_state && ((o.at < -cfg.warmup && o.at != -1) || o.at > cfg.weeks - 1)) {
        rc = ad_error_set(&err, AD_ERR_USAGE, NULL, 0, NULL,
                          "--at %lld is not a week of this run: from -%lld (the first week of the warm-up) to "
                          "%lld (the last recorded week); -1 is the end of the warm-up",
                          o.at, (long long)cfg.warmup, (long long)cfg.weeks - 1);
        goto done;
    }
    if (o.save_state && o.from && o.at <= origin.week) {
        rc = ad_error_set(&err, AD_ERR_USAGE, NULL, 0, NULL,
                          "--at %lld is not after the state this run starts from (week %lld): give a later week",
                          o.at, (long long)origin.week);
        goto done;
    }
    if (resume) {
        if ((rc = h5out_reopen(&out, outpath, &cfg, resolved, origin.week, &err))) goto done;
        if (!o.quiet)
            fprintf(stderr, "aandacht: going on from the checkpoint %s (after week %lld)\n", ckpt,
                    (long long)origin.week);
    } else {
        if ((rc = h5out_open(&out, outpath, &cfg, resolved, o.force, &err))) goto done;
        if (!o.from && (rc = ad_world_create_threads(&w, &cfg, o.threads, &err))) goto done;
        if (o.from &&
            (rc = h5out_set_origin(out, first_week, o.from, origin.digest, origin.week, !origin.same, &err)))
            goto done;
    }
    const double noise = ad_seed_noise(cfg.customers);
    if ((rc = h5out_set_seed_noise(out, noise, &err))) goto done;
    char ncust[32], nmin[32];
    grouped(cfg.customers, ncust, sizeof ncust);
    if (cfg.customers < AD_SEED_NOISE_CUSTOMERS)
        fprintf(stderr, "aandacht: note: at %s customers the seed alone moves a brand's market share by about "
                "%.1f points (one standard deviation); below %s customers one run is not interpretable: run "
                "replications (a sweep with replications = 5 or more, docs/scenario-files.md)\n",
                ncust, 100 * noise, grouped(AD_SEED_NOISE_CUSTOMERS, nmin, sizeof nmin));
    snap = malloc(sizeof *snap);
    if (!snap) { rc = ad_error_set(&err, AD_ERR_NOMEM, NULL, 0, NULL, "out of memory"); goto done; }

    const int mode = o.quiet ? PROGRESS_OFF : isatty(STDERR_FILENO) ? PROGRESS_TERMINAL : PROGRESS_LOG;
    double t0 = now_s();
    progress_start(&pr, stderr, mode, &cfg, t0);
    progress_from(&pr, ad_world_steps(w));
    const int64_t warmup_steps = ad_world_warmup_left(w);
    if (o.stream) stream_start(stdout, &cfg, first_week, warmup_steps, outpath);
    if (save_steps == ad_world_steps(w) && (rc = save_state(&o, w, resolved, &pr, &err))) goto done;
    while (ad_world_warmup_left(w) > 0) {
        if (stop_requested && o.checkpoint_every > 0) {
            rc = stop_at_checkpoint(&o, out, w, ckpt, resolved, outpath, cfg.warmup, &pr, &err);
            checkpointed = rc == AD_ERR_INTERRUPTED;
            goto done;
        }
        if (stop_requested) {
            rc = ad_error_set(&err, AD_ERR_INTERRUPTED, NULL, 0, NULL,
                              "interrupted during the warm-up (week %lld of %lld), before any week was recorded: "
                              "%s was not written (%s.partial holds no week)",
                              (long long)(cfg.warmup - ad_world_warmup_left(w)), (long long)cfg.warmup, outpath,
                              outpath);
            goto done;
        }
        if ((rc = ad_world_warmup_step(w, &err))) goto done;
        if (o.stream) stream_warmup(stdout, warmup_steps - ad_world_warmup_left(w), warmup_steps);
        if (save_steps == ad_world_steps(w) && (rc = save_state(&o, w, resolved, &pr, &err))) goto done;
        if (o.checkpoint_every > 0 && ad_world_steps(w) % o.checkpoint_every == 0 &&
            (rc = checkpoint(&o, out, w, ckpt, resolved, &err)))
            goto done;
        progress_step(&pr, now_s());
    }
    if (cfg.warmup > 0 && first_week == 0) { /* did it settle? */
        const double drift = ad_world_warmup_drift(w);
        if ((rc = h5out_set_warmup_drift(out, drift, &err))) goto done;
        if (drift > AD_WARMUP_DRIFT_TOLERANCE) {
            progress_break(&pr);
            fprintf(stderr, "aandacht: warning: the warm-up did not settle: a brand's market share moved %.1f points "
                    "in its last year (more than %.1f); lengthen scenario.warmup or raise scenario.warmup_speedup\n",
                    100 * drift, 100 * AD_WARMUP_DRIFT_TOLERANCE);
        }
    } else if (cfg.warmup > 0 && (rc = h5out_set_warmup_drift(out, ad_world_warmup_drift(w), &err))) {
        goto done;
    }
    for (int64_t t = first_week; t < cfg.weeks; t++) {
        if (stop_requested && o.checkpoint_every > 0) {
            rc = stop_at_checkpoint(&o, out, w, ckpt, resolved, outpath, cfg.warmup, &pr, &err);
            checkpointed = rc == AD_ERR_INTERRUPTED;
            goto done;
        }
        if (stop_requested && t == first_week) {
            rc = ad_error_set(&err, AD_ERR_INTERRUPTED, NULL, 0, NULL, "interrupted before any week was recorded: "
                              "%s was not written (%s.partial holds no week)", outpath, outpath);
            goto done;
        }
        if (stop_requested) {
            rc = ad_error_set(&err, AD_ERR_INTERRUPTED, NULL, 0, NULL,
                              "interrupted at week %lld of %lld: %s was not written; the %lld weeks finished are "
                              "in %s.partial, marked incomplete (complete = 0)", (long long)t, (long long)cfg.weeks,
                              outpath, (long long)(t - first_week), outpath);
            goto done;
        }
        if ((rc = ad_world_step(w, &err))) goto done;
        const ad_obs *obs = ad_world_obs(w);
        if (t == first_week) first = *obs;
        if ((rc = h5out_write_week(out, t, obs, &err))) goto done;
        if (o.stream) stream_week(stdout, t, obs, cfg.n_brands);
        if (cfg.snapshot_every > 0 && t % cfg.snapshot_every == 0) {
            ad_world_snapshot(w, snap);
            if ((rc = h5out_write_snapshot(out, snap, &err))) goto done;
            if (cfg.raw_agents) {
                ad_agent_view v;
                ad_world_agents(w, &v);
                if ((rc = h5out_write_agents(out, t, &v, &err))) goto done;
            }
        }
        if (save_steps == ad_world_steps(w) && (rc = save_state(&o, w, resolved, &pr, &err))) goto done;
        if (o.checkpoint_every > 0 && ad_world_steps(w) % o.checkpoint_every == 0 && t + 1 < cfg.weeks &&
            (rc = checkpoint(&o, out, w, ckpt, resolved, &err)))
            goto done;
        progress_step(&pr, now_s());
    }
    {
        ad_obs lastobs = *ad_world_obs(w);
        rc = h5out_close(out, 1, &err);
        out = NULL;
        if (rc) goto done;
        if (ckpt[0]) unlink(ckpt); /* the run is whole: its checkpoint has served */
        progress_end(&pr, now_s());
        if (o.stream) stream_done(stdout, outpath, cfg.weeks - first_week);
        if (!o.quiet && !o.stream) {
            if (o.from)
                printf("%s: %lld customers, weeks %lld to %lld from the state %s (%s), seed %lld, %.1f s\n",
                       cfg.name, (long long)cfg.customers, (long long)first_week, (long long)cfg.weeks - 1, o.from,
                       origin.same ? "the run that saved it, continued" : "a branch: other policies",
                       (long long)cfg.seed, now_s() - t0);
            else
                printf("%s: %lld customers, %lld weeks after %lld weeks of warm-up, seed %lld, %.1f s\n",
                       cfg.name, (long long)cfg.customers, (long long)cfg.weeks, (long long)cfg.warmup,
                       (long long)cfg.seed, now_s() - t0);
            print_summary(&cfg, &first, &lastobs, cfg.weeks - 1);
            printf("\nseed noise at %s customers: a brand's market share varies by about %.1f points between "
                   "seeds (one standard deviation)%s\n", ncust, 100 * noise,
                   cfg.customers < AD_SEED_NOISE_CUSTOMERS ? "; run replications before reading differences" : "");
            printf("\noutput: %s\n", outpath);
        }
    }
done:
    if (out) {
        ad_error e2;
        h5out_close(out, 0, &e2);
    }
    ad_world_free(w);
    free(snap);
    free(resolved);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (rc) {
        progress_break(&pr);
        int status = fail(&err);
        /* stopped by a signal: the shell's convention, 128 + its number */
        if (checkpointed) return AD_EXIT_CHECKPOINTED;
        return rc == AD_ERR_INTERRUPTED && stop_requested ? 128 + stop_requested : status;
    }
    return 0;
}

static int cmd_run(int argc, char **argv)
{
    run_opts o;
    int rc = parse_opts(argc, argv, &o, 1, RUN_USAGE);
    if (!rc) rc = run_scenario(o);
    run_opts_free(&o);
    return rc < 0 ? 0 : rc;
}

static int whole(const char *val, long lo, long hi, int *out)
{
    char *end;
    errno = 0;
    long v = val ? strtol(val, &end, 10) : 0;
    if (!val || !*val || errno || *end || v < lo || v > hi) return -1;
    *out = (int)v;
    return 0;
}

/* parses the options of sweep into o (o->sets has argc entries); returns 0,
 * -1 after --help, or an exit status */
static int parse_sweep(int argc, char **argv, sweep_run_opts *o, const char **sets)
{
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(SWEEP_USAGE, stdout); return -1; }
        if (!strcmp(a, "--set") || !strncmp(a, "--set=", 6)) {
            const char *v = a[5] == '=' ? a + 6 : val;
            if (!v) return usage_error(SWEEP_USAGE, "%s needs KEY=VALUE", a);
            sets[o->n_sets++] = v;
            i += a[5] != '=';
        } else if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (!val) return usage_error(SWEEP_USAGE, "%s needs a file name", a);
            if (strlen(val) > SWEEP_OUT_MAX) return too_long("the output path (-o)", strlen(val), SWEEP_OUT_MAX);
            o->out = val;
            i++;
        } else if (!strcmp(a, "--jobs") || !strcmp(a, "--threads")) {
            if (whole(val, 1, 1024, !strcmp(a, "--jobs") ? &o->jobs : &o->threads))
                return usage_error(SWEEP_USAGE, "%s needs a whole number from 1 to 1024", a);
            i++;
        } else if (!strcmp(a, "--force")) {
            o->force = 1;
        } else if (!strcmp(a, "--quiet")) {
            o->quiet = 1;
        } else if (!strcmp(a, "--resume")) {
            o->resume = 1;
        } else if (!strcmp(a, "--no-branching")) {
            o->no_branching = 1;
        } else if (!strcmp(a, "--shard")) {
            char *end = NULL;
            long si = -1, sn = -1;
            errno = 0;
            if (val) si = strtol(val, &end, 10);
            if (val && end != val && *end == '/' && end[1]) {
                const char *d = end + 1;
                sn = strtol(d, &end, 10);
                if (*end || end == d) sn = -1;
            }
            if (errno || si < 0 || sn < 1 || si >= sn || sn > 1000000)
                return usage_error(SWEEP_USAGE, "--shard needs I/N with 0 <= I < N (e.g. --shard 0/4), not '%s'",
                                   val ? val : "");
            o->shard_index = (int)si;
            o->shard_count = (int)sn;
            i++;
        } else if (a[0] == '-' && a[1]) {
            return cli_unknown_option(SWEEP_USAGE, SWEEP_OPTIONS, a);
        } else if (!o->file) {
            o->file = a;
        } else {
            return usage_error(SWEEP_USAGE, "unexpected argument '%s'", a);
        }
    }
    if (!o->file) return usage_error(SWEEP_USAGE, "%s", "no scenario file given");
    if (strlen(o->file) > SCENARIO_PATH_MAX)
        return too_long("the scenario file's path", strlen(o->file), SCENARIO_PATH_MAX);
    return 0;
}

static int cmd_sweep(int argc, char **argv)
{
    /* each --set takes an argument: never more than argc */
    const char **sets = calloc((size_t)argc, sizeof *sets);
    if (!sets) return out_of_memory();
    sweep_run_opts o = {.sets = sets, .jobs = 1};
    int rc = parse_sweep(argc, argv, &o, sets);
    if (!rc) {
        ad_error err;
        rc = sweep_run_all(&o, &err);
        /* under MPI only one rank reports an error; the others return its status */
        const int code = rc;
        if (rc) rc = err.msg[0] ? fail(&err) : ad_exit_status(rc);
        /* stopped by a signal: 128 + its number, as run (Ctrl-C: 130) */
        if (code == AD_ERR_INTERRUPTED && sweep_signal() > 0) rc = 128 + sweep_signal();
    }
    free((void *)sets);
    return rc < 0 ? 0 : rc;
}

/* merges the shard files named in argv; shards has argc entries */
static int merge_shards(int argc, char **argv, const char **shards)
{
    int n = 0, force = 0, quiet = 0;
    const char *out = NULL;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) { fputs(MERGE_USAGE, stdout); return 0; }
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            if (i + 1 >= argc) return usage_error(MERGE_USAGE, "%s needs a file name", a);
            out = argv[++i];
            if (strlen(out) > OUT_PATH_MAX) return too_long("the output path (-o)", strlen(out), OUT_PATH_MAX);
        } else if (!strcmp(a, "--force")) {
            force = 1;
        } else if (!strcmp(a, "--quiet")) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return cli_unknown_option(MERGE_USAGE, MERGE_OPTIONS, a);
        } else {
            shards[n++] = a;
        }
    }
    if (!n) return usage_error(MERGE_USAGE, "%s", "no shard files given");
    char *derived = NULL;
    if (!out) {
        /* the merged name is the first shard's without .shard<I>of<N>: shorter */
        size_t cap = strlen(shards[0]) + 1;
        if (!(derived = malloc(cap))) return out_of_memory();
        if (h5sweep_merge_name(shards[0], derived, cap)) {
            free(derived);
            return usage_error(MERGE_USAGE, "'%s' is not named NAME.shard<I>of<N>.h5: give the output with -o",
                               shards[0]);
        }
        out = derived;
        size_t len = strlen(derived);
        if (len > OUT_PATH_MAX) {
            free(derived);
            return too_long("the merged file's path (the first shard's without .shard<I>of<N>)", len, OUT_PATH_MAX);
        }
    }
    ad_error err;
    h5sweep_merged res;
    int rc = h5sweep_merge(shards, n, out, force, &res, &err) ? fail(&err) : 0;
    if (!rc && !quiet)
        printf("merged %d shard%s: %lld runs (%lld ok, %lld failed) -> %s\n", res.shards, res.shards == 1 ? "" : "s",
               (long long)res.runs, (long long)res.ok, (long long)res.failed, out);
    if (!rc && res.failed)
        fprintf(stderr, "aandacht: %lld runs failed in their shards (status -1; their message variable says why)\n",
                (long long)res.failed);
    free(derived);
    return rc;
}

static int cmd_merge(int argc, char **argv)
{
    /* every shard file is an argument: never more than argc */
    const char **shards = calloc((size_t)argc, sizeof *shards);
    if (!shards) return out_of_memory();
    int rc = merge_shards(argc, argv, shards);
    free((void *)shards);
    return rc;
}

static int check_scenario(const run_opts o)
{
    int rc;
    ad_error err;
    static ad_config cfg;
    static sweep sw;
    if (cfg_load(&cfg, o.file, o.sets, o.n_sets, &err)) return fail(&err);
    if (sweep_load(&sw, o.file, &cfg, &err)) return fail(&err);
    if ((rc = sweep_check(&sw, &cfg, &err)) || (o.has_point && (rc = sweep_apply(&sw, o.point, &cfg, &err)))) {
        sweep_free(&sw);
        return fail(&err);
    }
    if (o.list_runs && !sw.present)
        return fail(&(ad_error){.code = AD_ERR_USAGE, .msg = "--runs lists the runs of a sweep: the scenario has no "
                                                            "sweep group"});
    char *text = cfg_format_resolved(&cfg, 1);
    int has_sweep = sw.present;
    char *summary = has_sweep ? sweep_format_summary(&sw) : NULL;
    if (!text || (has_sweep && !summary)) {
        free(text);
        free(summary);
        sweep_free(&sw);
        return fail(&(ad_error){.code = AD_ERR_NOMEM, .msg = "out of memory"});
    }
    fputs(text, stdout);
    if (summary) fputs(summary, stdout);
    /* the runs, line by line (any number of them), as comments */
    static char line[SWEEP_LINE_MAX];
    for (int64_t i = 0; has_sweep && sweep_format_run_line(&sw, o.list_runs, o.file, i, line, sizeof line); i++)
        fputs(line, stdout);
    sweep_free(&sw);
    free(text);
    free(summary);
    fprintf(stderr, "%s: valid\n", o.file);
    return 0;
}

static int cmd_check(int argc, char **argv)
{
    run_opts o;
    int rc = parse_opts(argc, argv, &o, 0, CHECK_USAGE);
    if (!rc) rc = check_scenario(o);
    run_opts_free(&o);
    return rc < 0 ? 0 : rc;
}

static int cmd_params(int argc, char **argv)
{
    const char *fmt = "text";
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(PARAMS_USAGE, stdout); return 0; }
        if (!strcmp(argv[i], "--markdown")) fmt = "markdown";
        else if (!strcmp(argv[i], "--json")) fmt = "json";
        else return cli_unknown_option(PARAMS_USAGE, PARAMS_OPTIONS, argv[i]);
    }
    char *text = cfg_format_params(fmt);
    if (!text) return fail(&(ad_error){.code = AD_ERR_NOMEM, .msg = "out of memory"});
    fputs(text, stdout);
    free(text);
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    if (argc > 2) {
        if (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h")) { fputs(VERSION_USAGE, stdout); return 0; }
        return cli_unknown_option(VERSION_USAGE, VERSION_OPTIONS, argv[2]);
    }
    printf("aandacht %s (git %s)\n", ad_version(),
#ifdef AANDACHT_GIT
           AANDACHT_GIT
#else
           "unknown"
#endif
    );
    const char *mpi = sweep_mpi_version();
    printf("MPI: %s\n", mpi ? mpi : "not built in (cmake -DAANDACHT_MPI=ON builds it)");
    return 0;
}

static int cmd_verify(int argc, char **argv)
{
    int quiet = 0, n = 0, worst = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(VERIFY_USAGE, stdout); return 0; }
        if (!strcmp(argv[i], "--quiet")) quiet = 1;
        else if (argv[i][0] == '-') return cli_unknown_option(VERIFY_USAGE, VERIFY_OPTIONS, argv[i]);
        else n++;
    }
    if (!n) return usage_error(VERIFY_USAGE, "%s", "no file to verify");
    for (int i = 2; i < argc; i++) {
        if (argv[i][0] == '-') continue;
        h5verify_result res;
        ad_error err;
        ad_error_clear(&err);
        int rc = h5verify_file(argv[i], &res, &err);
        int status = rc == AD_OK ? 0 : ad_exit_status(rc);
        if (status == 0) {
            if (!quiet) {
                if (res.state)
                    printf("%s: intact and complete: a saved state, %lld variables read back, %s\n", argv[i],
                           (long long)res.datasets, res.digest);
                else if (res.sweep)
                    printf("%s: intact and complete: a sweep of %lld runs (%lld failed and say why), %lld "
                           "variables read back, %s\n", argv[i], (long long)res.runs, (long long)res.runs_failed,
                           (long long)res.datasets, res.digest);
                else
                    printf("%s: intact and complete: a run of %lld weeks, %lld variables read back, %s\n",
                           argv[i], (long long)res.weeks, (long long)res.datasets, res.digest);
            }
        } else {
            fail(&err);
        }
        /* the worst: damaged (2) over incomplete (3) over intact (0) */
        if (status == 2 || (status == 3 && worst != 2) || (status && !worst)) worst = status;
    }
    return worst;
}

static int cmd_help(int argc, char **argv);

/* The commands; each shows its usage (to standard output, exit status 0)
 * when given --help, which is what aandacht help COMMAND asks it. */
static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
} COMMANDS[] = {
    {"run", cmd_run}, {"sweep", cmd_sweep}, {"merge", cmd_merge}, {"check", cmd_check}, {"report", report_cmd},
    {"explore", explore_cmd}, {"params", cmd_params}, {"new", new_cmd}, {"verify", cmd_verify}, {"help", cmd_help},
    {"version", cmd_version},
};
#define N_COMMANDS ((int)(sizeof COMMANDS / sizeof COMMANDS[0]))
static const char *const COMMAND_WORDS[] = {"run", "sweep", "merge", "check", "report", "explore", "params", "new",
                                            "verify", "help", "version", "--help", "--version", NULL};

static const struct command *find_command(const char *name)
{
    for (int i = 0; i < N_COMMANDS; i++)
        if (!strcmp(COMMANDS[i].name, name)) return &COMMANDS[i];
    return NULL;
}

/* "aandacht: unknown command 'rn' (did you mean 'run'?)", what: "unknown
 * command" or "no command"; a file name given as the command gets the
 * commands that take it. Exit status 2. */
static int unknown_command(const char *what, const char *cmd)
{
    const char *near = cli_nearest(cmd, COMMAND_WORDS);
    size_t len = strlen(cmd);
    if (near)
        fprintf(stderr, "aandacht: %s '%s' (did you mean '%s'?)\n\n%s", what, cmd, near, USAGE);
    else if (len > 4 && !strcmp(cmd + len - 4, ".cfg"))
        fprintf(stderr, "aandacht: %s '%s' (did you mean 'aandacht run %s' or 'aandacht check %s'?)\n\n%s", what,
                cmd, cmd, cmd, USAGE);
    else if (len > 3 && !strcmp(cmd + len - 3, ".h5"))
        fprintf(stderr, "aandacht: %s '%s' (did you mean 'aandacht report %s'?)\n\n%s", what, cmd, cmd, USAGE);
    else
        fprintf(stderr, "aandacht: %s '%s'\n\n%s", what, cmd, USAGE);
    return 2;
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 3) { fputs(USAGE, stdout); return 0; }
    const char *topic = argv[2];
    if (!strcmp(topic, "--help") || !strcmp(topic, "-h")) { fputs(HELP_USAGE, stdout); return 0; }
    if (argc > 3) return usage_error(HELP_USAGE, "help takes one command, not '%s' as well", argv[3]);
    const struct command *c = find_command(topic);
    if (!c) return unknown_command("no command", topic);
    char *args[] = {argv[0], (char *)c->name, "--help", NULL};
    return c->run(3, args);
}

int main(int argc, char **argv)
{
    if (argc < 2) { fputs(USAGE, stderr); return 2; }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--version")) return cmd_version(argc, argv);
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) { fputs(USAGE, stdout); return 0; }
    const struct command *c = find_command(cmd);
    return c ? c->run(argc, argv) : unknown_command("unknown command", cmd);
}
