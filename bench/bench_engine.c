/* bench_engine.c: speed and memory of the engine (make bench).
 *
 *   bench_engine [CUSTOMERS] [WEEKS] [REPEATS] [SCENARIO.cfg]
 *
 * Runs WEEKS recorded weeks of CUSTOMERS customers at 1 and 2 threads,
 * REPEATS times each, after an untimed warm-up of 52 weeks (so the timed
 * weeks are the settled market a real run spends nearly all its weeks in;
 * BENCH_WARMUP=0 times a cold start), and prints the median rate in customer-weeks
 * per second per core, the speed-up from 1 to 2 threads, the world's bytes
 * per customer and the process's peak resident memory per customer. It also
 * prints a checksum of every observable, which must be the same for both
 * thread counts. Rates, not assertions: the machine is shared and noisy.
 *
 * Beside the wall-clock rate it prints the median processor time per
 * customer-week (all threads, waiting at barriers included): on a busy
 * machine, where a thread is often not running, that moves far less than
 * wall time and stands in for cycles where no hardware counters are to be
 * had (as in a virtual machine). BENCH_THREADS=1 (or 2) runs one thread
 * count only, for quick comparisons.
 *
 * It also times each world's set-up (ad_world_create: traits, network,
 * first brand choices), run at the thread count being measured, and prints
 * the median seconds per million customers and its speed-up from 1 to 2
 * threads.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "aandacht.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 1099511628211ULL;
    return h;
}

static void default_market(ad_config *cfg, int64_t customers, int64_t weeks)
{
    ad_config_defaults(cfg);
    snprintf(cfg->name, sizeof cfg->name, "bench");
    cfg->customers = customers;
    cfg->weeks = weeks;
    cfg->warmup = 52;
    cfg->n_brands = 4;
    const char *names[] = {"A", "B", "C", "D"};
    for (int b = 0; b < 4; b++) {
        snprintf(cfg->brands[b].name, sizeof cfg->brands[b].name, "%s", names[b]);
        cfg->brands[b].share = 0.25;
        cfg->brands[b].auto_start = 0.1 + 0.2 * b;
    }
    cfg->tip_on = getenv("BENCH_TIPS") != NULL;
}

int main(int argc, char **argv)
{
    const char *wu = getenv("BENCH_WARMUP"), *only = getenv("BENCH_THREADS");
    const int t_first = only && atoi(only) == 2 ? 2 : 1, t_last = only && atoi(only) == 1 ? 1 : 2;
    int64_t customers = argc > 1 ? atoll(argv[1]) : 1000000;
    int64_t weeks = argc > 2 ? atoll(argv[2]) : 52;
    int repeats = argc > 3 ? atoi(argv[3]) : 3;
    repeats = repeats < 1 ? 1 : (repeats > 64 ? 64 : repeats);
    static ad_config cfg;
    if (argc > 4) {
        ad_error err;
        char sets[2][64];
        snprintf(sets[0], sizeof sets[0], "population.customers=%lld", (long long)customers);
        snprintf(sets[1], sizeof sets[1], "scenario.weeks=%lld", (long long)weeks);
        const char *s[] = {sets[0], sets[1], "scenario.warmup=52"};
        if (cfg_load(&cfg, argv[4], s, 3, &err)) {
            fprintf(stderr, "bench_engine: %s:%d: %s\n", err.file, err.line, err.msg);
            return 2;
        }
    } else {
        default_market(&cfg, customers, weeks);
    }
    if (wu) cfg.warmup = atoll(wu);
    printf("bench_engine: %lld customers, %lld weeks, %d repeats, %d brands\n", (long long)customers,
           (long long)weeks, repeats, cfg.n_brands);
    double med[3] = {0}, cpu_med[3] = {0}, setup_med[3] = {0};
    uint64_t sum[3] = {0};
    size_t bytes = 0;
    for (int threads = t_first; threads <= t_last; threads++) {
        double rate[64], cpu[64], setup[64];
        for (int r = 0; r < repeats; r++) {
            ad_world *w;
            ad_error err;
            double s0 = now_s();
            if (ad_world_create_threads(&w, &cfg, threads, &err)) { /* the set-up on as many threads as the weeks */
                fprintf(stderr, "bench_engine: %s\n", err.msg);
                return 1;
            }
            setup[r] = (now_s() - s0) / ((double)customers / 1e6);
            uint64_t h = 1469598103934665603ULL;
            if (ad_world_warmup(w, &err)) {
                fprintf(stderr, "bench_engine: %s\n", err.msg);
                return 1;
            }
            double t0 = now_s(), c0 = cpu_s();
            for (int64_t t = 0; t < weeks; t++) {
                if (ad_world_step(w, &err)) {
                    fprintf(stderr, "bench_engine: %s\n", err.msg);
                    return 1;
                }
                h = fnv(h, ad_world_obs(w), sizeof(ad_obs));
            }
            double dt = now_s() - t0;
            rate[r] = (double)customers * (double)weeks / dt / threads;
            cpu[r] = (cpu_s() - c0) / ((double)customers * (double)weeks) * 1e9;
            sum[threads] = h;
            bytes = ad_world_bytes(w);
            ad_world_free(w);
        }
        qsort(rate, (size_t)repeats, sizeof rate[0], cmp);
        qsort(cpu, (size_t)repeats, sizeof cpu[0], cmp);
        qsort(setup, (size_t)repeats, sizeof setup[0], cmp);
        med[threads] = rate[repeats / 2];
        cpu_med[threads] = cpu[repeats / 2];
        setup_med[threads] = setup[repeats / 2];
        printf("threads %d: median %.2f million customer-weeks per second per core (runs:", threads,
               med[threads] / 1e6);
        for (int r = 0; r < repeats; r++) printf(" %.2f", rate[r] / 1e6);
        printf(")  checksum %016llx\n", (unsigned long long)sum[threads]);
        printf("threads %d: median %.2f ns of processor time per customer-week (runs:", threads, cpu_med[threads]);
        for (int r = 0; r < repeats; r++) printf(" %.2f", cpu[r]);
        printf(")\n");
        printf("threads %d: set-up median %.3f s per million customers (runs:", threads, setup_med[threads]);
        for (int r = 0; r < repeats; r++) printf(" %.3f", setup[r]);
        printf(")\n");
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    if (t_first == 1 && t_last == 2) {
        printf("speed-up 1 -> 2 threads: %.2f (by processor time %.2f)\n", 2 * med[2] / med[1],
               2 * cpu_med[1] / cpu_med[2]);
        printf("set-up speed-up 1 -> 2 threads: %.2f\n", setup_med[1] / setup_med[2]);
    }
    printf("world memory: %.1f bytes per customer; peak resident: %.1f bytes per customer\n",
           (double)bytes / (double)customers, (double)ru.ru_maxrss * 1024.0 / (double)customers);
    if (t_first == t_last) return 0;
    printf("same observables for 1 and 2 threads: %s\n", sum[1] == sum[2] ? "yes" : "NO");
    return sum[1] == sum[2] ? 0 : 1;
}
