/* test_employee.c: the employee pool of models/employee.h.
 *
 * Worlds start with no staff (staff_per_1000 = 0), so every slot the tests
 * look at was placed by the emp_set_headcount calls under test: hiring fills
 * free slots from the lowest index before it appends, firing frees a brand's
 * highest active slots first (last in, first out), the displaced are counted
 * only when asked, and emp_rebuild_active lists the active slots grouped by
 * brand. A random sequence of headcount changes checks the invariants.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "employee.h"
#include "world.h"

#define NO_STAFF                                                             \
    "scenario = { name = \"emp\"; seed = 3; weeks = 4; warmup = 0; };\n"    \
    "population = { customers = 600; };\n"                                  \
    "network = { degree = 4; };\n"                                          \
    "brands = (\n"                                                           \
    "  { name = \"A\"; share = 0.4; staff_per_1000 = 0.0; },\n"              \
    "  { name = \"B\"; share = 0.3; staff_per_1000 = 0.0; },\n"              \
    "  { name = \"C\"; share = 0.3; staff_per_1000 = 0.0; }\n"               \
    ");\n"

static ad_world *make_world(const char *text)
{
    static ad_config cfg;
    ad_error err;
    if (cfg_load_string(&cfg, text, "emp", NULL, 0, &err))
        cr_assert_fail("config: %s:%d: %s: %s", err.file, err.line, err.key, err.msg);
    ad_world *w;
    if (ad_world_create(&w, &cfg, &err)) cr_assert_fail("create: %s", err.msg);
    return w;
}

static void set(ad_world *w, int b, int64_t H, int count)
{
    cr_assert_eq(emp_set_headcount(w, b, H, count), AD_OK);
}

/* the pool as a string, one character a slot ("A" active
 * for brand b, "." free, "x" active for another brand) */
static const char *layout(const ad_world *w, int b)
{
    static char s[256];
    int64_t n = w->ne < 255 ? w->ne : 255;
    for (int64_t j = 0; j < n; j++) s[j] = !w->e_active[j] ? '.' : (w->e_brand[j] == b ? 'A' : 'x');
    s[n] = 0;
    return s;
}

/* active slots of brand b counted from the pool */
static int64_t count_active(const ad_world *w, int b)
{
    int64_t c = 0;
    for (int64_t j = 0; j < w->ne; j++) c += w->e_active[j] && w->e_brand[j] == b;
    return c;
}

Test(employee, world_without_staff_has_an_empty_pool)
{
    ad_world *w = make_world(NO_STAFF);
    cr_assert_eq(w->ne, 0);
    for (int b = 0; b < w->nb; b++) cr_assert_eq(w->br[b].employees, 0);
    cr_assert_eq(w->displaced, 0);
    ad_world_free(w);
}

Test(employee, hiring_appends_then_fills_the_lowest_free_slots)
{
    ad_world *w = make_world(NO_STAFF);
    set(w, 0, 5, 1); /* A: 0..4 */
    set(w, 1, 3, 1); /* B: 5..7 */
    set(w, 0, 7, 1); /* A: + 8, 9 */
    cr_assert_eq(w->ne, 10);
    cr_assert_str_eq(layout(w, 0), "AAAAAxxxAA");
    cr_assert_eq(w->br[0].employees, 7);
    cr_assert_eq(w->br[1].employees, 3);
    /* free slots 1 and 3 by hand-made holes: fire B entirely, then A down
     * to 4 (frees 9, 8, 4) */
    set(w, 1, 0, 0);
    cr_assert_str_eq(layout(w, 0), "AAAAA...AA");
    set(w, 0, 4, 0);
    cr_assert_str_eq(layout(w, 0), "AAAA......");
    /* C hires 3: slots 4, 5, 6, the lowest free, no append */
    set(w, 2, 3, 1);
    cr_assert_str_eq(layout(w, 2), "xxxxAAA...");
    cr_assert_eq(w->ne, 10, "hiring into free slots must not grow the pool");
    /* C hires 5 more: 7, 8, 9, then appends 10, 11 */
    set(w, 2, 8, 1);
    cr_assert_str_eq(layout(w, 2), "xxxxAAAAAAAA");
    cr_assert_eq(w->ne, 12);
    cr_assert_eq(w->br[2].employees, 8);
    cr_assert_eq(count_active(w, 2), 8);
    ad_world_free(w);
}

Test(employee, hiring_resets_the_slot_of_a_former_employee)
{
    ad_world *w = make_world(NO_STAFF);
    set(w, 0, 3, 1);
    w->e_warm[1] = 12345;
    w->e_load[1] = 99;
    set(w, 0, 1, 1); /* frees 2, 1 */
    set(w, 1, 1, 1); /* B takes slot 1 */
    cr_assert_eq(w->e_brand[1], 1);
    cr_assert(w->e_active[1]);
    cr_assert_eq(w->e_warm[1], 0, "a new hire starts without last week's warmth");
    cr_assert_eq(w->e_load[1], 0);
    cr_assert(w->e_eng[1] >= 0.0f && w->e_eng[1] <= 1.0f);
    ad_world_free(w);
}

Test(employee, firing_is_last_in_first_out_within_the_brand)
{
    ad_world *w = make_world(NO_STAFF);
    /* interleave: A 0..2, B 3..4, A 5..6, B 7 */
    set(w, 0, 3, 0);
    set(w, 1, 2, 0);
    set(w, 0, 5, 0);
    set(w, 1, 3, 0);
    cr_assert_str_eq(layout(w, 0), "AAAxxAAx");
    set(w, 0, 2, 1); /* frees 6, 5, 2: the highest of A, B untouched */
    cr_assert_str_eq(layout(w, 0), "AA.xx..x");
    cr_assert_eq(w->br[0].employees, 2);
    cr_assert_eq(w->br[1].employees, 3);
    cr_assert_eq(count_active(w, 1), 3, "firing A must not touch B");
    set(w, 1, 1, 1); /* frees 7, 4 */
    cr_assert_str_eq(layout(w, 1), "xx.A....");
    ad_world_free(w);
}

Test(employee, displaced_counted_only_when_asked)
{
    ad_world *w = make_world(NO_STAFF);
    set(w, 0, 10, 1);
    cr_assert_eq(w->displaced, 0, "hiring displaces nobody");
    set(w, 0, 7, 0);
    cr_assert_eq(w->displaced, 0, "count_displaced = 0 must not count");
    set(w, 0, 4, 1);
    cr_assert_eq(w->displaced, 3);
    set(w, 0, 4, 1);
    cr_assert_eq(w->displaced, 3, "no change, nobody displaced");
    set(w, 0, 0, 1);
    cr_assert_eq(w->displaced, 7);
    ad_world_free(w);
}

Test(employee, headcount_never_negative)
{
    ad_world *w = make_world(NO_STAFF);
    set(w, 1, 4, 1);
    set(w, 1, -3, 1);
    cr_assert_eq(w->br[1].employees, 0);
    cr_assert_eq(count_active(w, 1), 0);
    cr_assert_eq(w->displaced, 4, "only the 4 who were there are displaced");
    set(w, 1, INT64_MIN, 1);
    cr_assert_eq(w->br[1].employees, 0);
    cr_assert_eq(w->displaced, 4);
    ad_world_free(w);
}

/* the active list holds exactly the active slots, grouped by brand in
 * index order, with active_off[b]..active_off[b+1] the range of brand b */
static void check_active_list(const ad_world *w)
{
    cr_assert_eq(w->active_off[0], 0);
    for (int b = 0; b < AD_MAX_BRANDS; b++) {
        cr_assert_leq(w->active_off[b], w->active_off[b + 1]);
        int64_t want = b < w->nb ? w->br[b].employees : 0;
        cr_assert_eq(w->active_off[b + 1] - w->active_off[b], want, "brand %d: %lld listed, %lld employed", b,
                     (long long)(w->active_off[b + 1] - w->active_off[b]), (long long)want);
        int32_t last = -1;
        for (int64_t k = w->active_off[b]; k < w->active_off[b + 1]; k++) {
            int32_t j = w->active[k];
            cr_assert(j >= 0 && j < w->ne);
            cr_assert(w->e_active[j], "slot %d listed but not active", j);
            cr_assert_eq(w->e_brand[j], b, "slot %d listed under brand %d", j, b);
            cr_assert_gt(j, last, "brand %d: slots out of order", b);
            last = j;
        }
    }
    int64_t act = 0;
    for (int64_t j = 0; j < w->ne; j++) act += w->e_active[j];
    cr_assert_eq(w->active_off[AD_MAX_BRANDS], act, "every active slot is listed once");
}

Test(employee, rebuild_active_groups_active_slots_by_brand)
{
    ad_world *w = make_world(NO_STAFF);
    emp_rebuild_active(w);
    check_active_list(w);
    set(w, 2, 4, 0);
    set(w, 0, 3, 0);
    set(w, 1, 2, 0);
    set(w, 2, 1, 0); /* holes in C's first slots */
    set(w, 0, 5, 0); /* A fills them */
    emp_rebuild_active(w);
    check_active_list(w);
    /* C held 0..3 and kept 0; A held 4..6 and took 1, 2 */
    const int32_t want_a[] = {1, 2, 4, 5, 6}, want_b[] = {7, 8}, want_c[] = {0};
    cr_assert_str_eq(layout(w, 0), "xAA.AAAxx");
    for (int k = 0; k < 5; k++) cr_assert_eq(w->active[w->active_off[0] + k], want_a[k]);
    for (int k = 0; k < 2; k++) cr_assert_eq(w->active[w->active_off[1] + k], want_b[k]);
    cr_assert_eq(w->active[w->active_off[2]], want_c[0]);
    ad_world_free(w);
}

Test(employee, random_headcount_changes_keep_the_pool_consistent)
{
    ad_world *w = make_world(NO_STAFF);
    uint32_t x = 2024;
    int64_t displaced = 0;
    for (int it = 0; it < 400; it++) {
        x = x * 1664525u + 1013904223u;
        int b = (int)(x >> 30) % w->nb;
        x = x * 1664525u + 1013904223u;
        int64_t H = (int64_t)(x >> 26) - 8; /* -8 .. 55: negatives too */
        int count = (int)(x >> 5) & 1;
        int64_t before[AD_MAX_BRANDS], ne_before = w->ne;
        uint8_t act_before[256], brand_before[256];
        cr_assert_lt(w->ne, 256);
        if (w->ne) { /* the arrays are NULL until the first hire */
            memcpy(act_before, w->e_active, (size_t)w->ne);
            memcpy(brand_before, w->e_brand, (size_t)w->ne);
        }
        for (int k = 0; k < w->nb; k++) before[k] = w->br[k].employees;
        set(w, b, H, count);
        int64_t want = H < 0 ? 0 : H;
        cr_assert_eq(w->br[b].employees, want);
        if (count && want < before[b]) displaced += before[b] - want;
        cr_assert_eq(w->displaced, displaced);
        for (int k = 0; k < w->nb; k++) {
            cr_assert_eq(count_active(w, k), w->br[k].employees, "iteration %d brand %d", it, k);
            if (k != b) cr_assert_eq(w->br[k].employees, before[k], "other brands keep their staff");
        }
        if (want < before[b]) {
            /* fired: the freed slots are the highest of b, every slot of b
             * still active is below every freed one */
            int64_t lowest_freed = INT64_MAX, highest_kept = -1;
            for (int64_t j = 0; j < ne_before; j++) {
                if (!act_before[j] || brand_before[j] != b) continue;
                if (w->e_active[j]) highest_kept = j;
                else if (j < lowest_freed) lowest_freed = j;
            }
            cr_assert_lt(highest_kept, lowest_freed, "iteration %d: firing must be LIFO", it);
            cr_assert_eq(w->ne, ne_before, "firing never changes the pool size");
        } else if (want > before[b]) {
            /* hired: no free slot is left below the highest new hire, and
             * the pool grew only by what the free slots could not hold */
            int64_t free_before = 0, highest_new = -1;
            for (int64_t j = 0; j < ne_before; j++) free_before += !act_before[j];
            for (int64_t j = 0; j < w->ne; j++)
                if (w->e_active[j] && (j >= ne_before || !act_before[j])) highest_new = j;
            for (int64_t j = 0; j < highest_new; j++) cr_assert(w->e_active[j], "iteration %d: slot %lld skipped", it, (long long)j);
            int64_t need = want - before[b];
            cr_assert_eq(w->ne, ne_before + (need > free_before ? need - free_before : 0));
        }
        if (it % 10 == 0) {
            emp_rebuild_active(w);
            check_active_list(w);
        }
    }
    ad_world_free(w);
}

Test(employee, world_creation_staffs_each_brand_at_its_ratio)
{
    ad_world *w = make_world(
        "scenario = { name = \"emp\"; seed = 3; weeks = 4; warmup = 0; };\n"
        "population = { customers = 5000; };\n"
        "brands = ( { name = \"A\"; share = 0.5; staff_per_1000 = 8.0; },\n"
        "           { name = \"B\"; share = 0.5; staff_per_1000 = 2.0; } );\n");
    for (int b = 0; b < 2; b++) {
        int64_t cust = 0;
        for (int64_t i = 0; i < w->n; i++) cust += w->brand[i] == b;
        int64_t want = (int64_t)llround(w->cfg.brands[b].staff_per_1000 * (double)cust / 1000.0);
        cr_assert_eq(w->br[b].employees, want);
        cr_assert_eq(count_active(w, b), want);
        cr_assert_eq(w->br[b].H0, want);
    }
    cr_assert_eq(w->displaced, 0, "initial staffing displaces nobody");
    check_active_list(w);
    ad_world_free(w);
}
