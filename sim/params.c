/* params.c: the parameter table built from param_table.def, defaults,
 * look-ups, and the table as JSON. Owns nothing at run time: the table is
 * static data. Every entry's field is checked at compile time to exist with
 * the size its type needs, so the table and ad_config cannot drift apart
 * silently.
 */
#include "params.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const ROUTING_NAMES[] = {"uniform", "by_need", NULL};
static const char *const STAFFING_NAMES[] = {"fixed", "follow_automation", "follow_demand", NULL};
#define NOENUM NULL

#define AD_SCOPE_OF_G AD_SCOPE_G
#define AD_SCOPE_OF_B AD_SCOPE_B
#define AD_STRUCT_G ad_config
#define AD_STRUCT_B ad_brand_cfg
#define AD_SIZE_REAL sizeof(double)
#define AD_SIZE_INT sizeof(int64_t)
#define AD_SIZE_BOOL sizeof(int)
#define AD_SIZE_ENUM sizeof(int)
#define AD_SIZE_STRING(max) ((size_t)(max))
#define AD_FIELD_SIZE(scope, field) sizeof(((AD_STRUCT_##scope *)0)->field)

const ad_param ad_param_table[] = {
#define P(scope, key, field, type, def, min, max, unit, enumset, doc) \
    {key, AD_SCOPE_OF_##scope, AD_PT_##type, offsetof(AD_STRUCT_##scope, field), \
     (double)(def), (double)(min), (double)(max), unit, enumset, doc},
#include "param_table.def"
#undef P
};
const int ad_param_count = (int)(sizeof ad_param_table / sizeof ad_param_table[0]);

/* compile-time check: each field's size matches its declared type */
#define AD_CHECK_REAL(scope, field, max) _Static_assert(AD_FIELD_SIZE(scope, field) == AD_SIZE_REAL, #field " must be double");
#define AD_CHECK_INT(scope, field, max) _Static_assert(AD_FIELD_SIZE(scope, field) == AD_SIZE_INT, #field " must be int64_t");
#define AD_CHECK_BOOL(scope, field, max) _Static_assert(AD_FIELD_SIZE(scope, field) == AD_SIZE_BOOL, #field " must be int");
#define AD_CHECK_ENUM(scope, field, max) _Static_assert(AD_FIELD_SIZE(scope, field) == AD_SIZE_ENUM, #field " must be int");
#define AD_CHECK_STRING(scope, field, max) _Static_assert(AD_FIELD_SIZE(scope, field) == AD_SIZE_STRING(max), #field " buffer must match max");
#define P(scope, key, field, type, def, min, max, unit, enumset, doc) AD_CHECK_##type(scope, field, max)
#include "param_table.def"
#undef P

const char *const ad_tip_names[AD_TIP_N] = {
#define TIP_BEHAVIOUR(k, name, attn, prob, effect, what) [k] = name,
#include "tip_behaviours.def"
#undef TIP_BEHAVIOUR
};
const int ad_tip_attention[AD_TIP_N] = {
#define TIP_BEHAVIOUR(k, name, attn, prob, effect, what) [k] = attn,
#include "tip_behaviours.def"
#undef TIP_BEHAVIOUR
};
_Static_assert(sizeof(((ad_config *)0)->given) >= 256, "given[] too small");

static void set_default(void *base, const ad_param *p)
{
    char *at = (char *)base + p->offset;
    switch (p->type) {
    case AD_PT_REAL: *(double *)at = p->def; break;
    case AD_PT_INT: *(int64_t *)at = (int64_t)p->def; break;
    case AD_PT_BOOL:
    case AD_PT_ENUM: *(int *)at = (int)p->def; break;
    case AD_PT_STRING: at[0] = '\0'; break;
    }
}

void ad_config_defaults(ad_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (int i = 0; i < ad_param_count; i++) {
        const ad_param *p = &ad_param_table[i];
        if (p->scope == AD_SCOPE_G)
            set_default(cfg, p);
        else
            for (int b = 0; b < AD_MAX_BRANDS; b++) set_default(&cfg->brands[b], p);
    }
}

int ad_param_find(const char *key, ad_scope scope)
{
    for (int i = 0; i < ad_param_count; i++)
        if (ad_param_table[i].scope == scope && strcmp(ad_param_table[i].key, key) == 0) return i;
    return -1;
}

int ad_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 1000;
    int d[64][64];
    for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

const char *ad_nearest_name(const char *word, const char *const *names, int *dist)
{
    const char *best = NULL;
    int bestd = 1 << 30;
    for (int i = 0; names[i]; i++) {
        int d = ad_edit_distance(word, names[i]);
        if (d < bestd) { bestd = d; best = names[i]; }
    }
    if (dist) *dist = bestd;
    return best;
}

const char *ad_param_nearest(const char *key, ad_scope scope)
{
    const char *best = NULL;
    int bestd = 1 << 30;
    for (int i = 0; i < ad_param_count; i++) {
        if (ad_param_table[i].scope != scope) continue;
        const char *k = ad_param_table[i].key;
        int d = ad_edit_distance(key, k);
        /* a key given without or with a wrong section still finds its leaf */
        const char *leaf = strrchr(k, '.'), *kleaf = strrchr(key, '.');
        if (leaf && strcmp(leaf + 1, kleaf ? kleaf + 1 : key) == 0 && d > 1) d = 1;
        if (d < bestd) { bestd = d; best = k; }
    }
    return best;
}

void *ad_param_ptr(ad_config *cfg, const ad_param *p, int brand)
{
    char *base = p->scope == AD_SCOPE_G ? (char *)cfg : (char *)&cfg->brands[brand];
    return base + p->offset;
}

const void *ad_param_cptr(const ad_config *cfg, const ad_param *p, int brand)
{
    const char *base = p->scope == AD_SCOPE_G ? (const char *)cfg : (const char *)&cfg->brands[brand];
    return base + p->offset;
}

double ad_param_get(const ad_config *cfg, const ad_param *p, int brand)
{
    const void *at = ad_param_cptr(cfg, p, brand);
    switch (p->type) {
    case AD_PT_REAL: return *(const double *)at;
    case AD_PT_INT: return (double)*(const int64_t *)at;
    case AD_PT_BOOL:
    case AD_PT_ENUM: return *(const int *)at;
    case AD_PT_STRING: return 0;
    }
    return 0;
}

void ad_param_format(const ad_config *cfg, const ad_param *p, int brand, char *buf, size_t n)
{
    const void *at = ad_param_cptr(cfg, p, brand);
    switch (p->type) {
    case AD_PT_REAL: {
        double v = *(const double *)at;
        /* shortest text that reads back to the same double, always with a
         * decimal point or exponent so libconfig reads it as a float */
        for (int prec = 1; prec <= 17; prec++) {
            snprintf(buf, n, "%.*g", prec, v);
            if (strtod(buf, NULL) == v) break;
        }
        if (strpbrk(buf, "eE") && v == floor(v) && fabs(v) < 1e15) snprintf(buf, n, "%.0f", v);
        if (!strpbrk(buf, ".eEni")) strncat(buf, ".0", n - strlen(buf) - 1);
        break;
    }
    case AD_PT_INT:
        snprintf(buf, n, "%lld", (long long)*(const int64_t *)at);
        if (*(const int64_t *)at > 2147483647LL || *(const int64_t *)at < -2147483647LL)
            strncat(buf, "L", n - strlen(buf) - 1);
        break;
    case AD_PT_BOOL: snprintf(buf, n, "%s", *(const int *)at ? "true" : "false"); break;
    case AD_PT_ENUM: snprintf(buf, n, "\"%s\"", p->names[*(const int *)at]); break;
    case AD_PT_STRING: {
        const char *s = at;
        size_t k = 0;
        if (k < n) buf[k++] = '"';
        for (; *s && k + 3 < n; s++) {
            if (*s == '"' || *s == '\\') buf[k++] = '\\';
            if (*s == '\n') { buf[k++] = '\\'; buf[k++] = 'n'; continue; }
            buf[k++] = *s;
        }
        if (k < n) buf[k++] = '"';
        buf[k < n ? k : n - 1] = '\0';
        break;
    }
    }
}
