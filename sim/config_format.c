/* config_format.c: an ad_config back to scenario-file text, and the
 * parameter reference, both generated from ad_param_table. Invariant: what
 * cfg_format_resolved writes, cfg_load_string reads back to the same values
 * (every double is written with enough digits to read back exactly, every
 * group is written once even where the table lists its keys apart). Returns
 * malloc'd strings the caller frees; NULL only when out of memory (or, for
 * cfg_format_params, an unknown format). Reads the config, owns nothing.
 */
#include "claims.h"
#include "config_priv.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing string; oom latches, and the caller gets NULL at the end. */
typedef struct sbuf {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    if (b->oom) return;
    va_start(ap, fmt);
    int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
    va_end(ap);
    if (n < 0) { b->oom = 1; return; }
    if (!b->s || b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + (size_t)n + 1) cap *= 2;
        char *s = realloc(b->s, cap);
        if (!s) { b->oom = 1; return; }
        b->s = s;
        b->cap = cap;
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

static char *sb_finish(sbuf *b)
{
    if (b->oom) { free(b->s); return NULL; }
    return b->s;
}

/* Shortest text that reads back to v (whole numbers below 1e15 without an
 * exponent); with point, always a float literal. */
static void real_text(double v, int point, char *buf, size_t n)
{
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, n, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    if (strpbrk(buf, "eE") && v == floor(v) && fabs(v) < 1e15) snprintf(buf, n, "%.0f", v);
    if (point && !strpbrk(buf, ".eEni")) strncat(buf, ".0", n - strlen(buf) - 1);
}

/* Range bounds: whole numbers without exponent. */
static void bound_text(double v, char *buf, size_t n)
{
    if (v == floor(v) && fabs(v) < 1e16) snprintf(buf, n, "%.0f", v);
    else real_text(v, 0, buf, n);
}

static void quoted(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    buf[k++] = '"';
    for (; *s && k + 4 < n; s++) {
        if (*s == '"' || *s == '\\') buf[k++] = '\\';
        if (*s == '\n') { buf[k++] = '\\'; buf[k++] = 'n'; continue; }
        buf[k++] = *s;
    }
    buf[k++] = '"';
    buf[k] = '\0';
}

static const ad_param *event_param(const char *key)
{
    for (int i = 0; i < cfg__event_param_count; i++)
        if (!strcmp(cfg__event_params[i].key, key)) return &cfg__event_params[i];
    return &cfg__event_params[0];
}

static int brand_slot(int idx)
{
    int k = 0;
    for (int i = 0; i < idx; i++) k += ad_param_table[i].scope == AD_SCOPE_B;
    return k;
}

/* Writes the parameters of scope whose key starts with prefix, as nested
 * groups; done[] marks keys written so that a group is written only once. */
static void write_group(sbuf *b, const ad_config *cfg, ad_scope scope, int brand, const char *prefix,
                        int depth, unsigned char *done, int mark)
{
    char val[4 * 2048 + 16];
    char sub[160];
    size_t pl = strlen(prefix);
    for (int i = 0; i < ad_param_count; i++) {
        const ad_param *p = &ad_param_table[i];
        if (p->scope != scope || done[i] || strncmp(p->key, prefix, pl)) continue;
        const char *rest = p->key + pl, *dot = strchr(rest, '.');
        if (dot) {
            snprintf(sub, sizeof sub, "%.*s", (int)(dot - p->key + 1), p->key);
            sb_printf(b, "%*s%.*s = {\n", 4 * depth, "", (int)(dot - rest), rest);
            write_group(b, cfg, scope, brand, sub, depth + 1, done, mark);
            sb_printf(b, "%*s};\n", 4 * depth, "");
            continue;
        }
        done[i] = 1;
        int given = scope == AD_SCOPE_G ? cfg->given[i] : cfg->brand_given[brand][brand_slot(i)];
        ad_param_format(cfg, p, brand, val, sizeof val);
        sb_printf(b, "%*s%s = %s;%s\n", 4 * depth, "", rest, val,
                  !mark || given ? "" : !strcmp(p->key, "share") ? "  # default: equal shares" : "  # default");
    }
}

/* An intervention's value, written as its parameter's type. */
static void value_text(const ad_param *p, double v, char *buf, size_t n)
{
    switch (p->type) {
    case AD_PT_REAL: real_text(v, 1, buf, n); break;
    case AD_PT_INT: snprintf(buf, n, "%lld%s", (long long)v, fabs(v) > 2147483647.0 ? "L" : ""); break;
    case AD_PT_BOOL: snprintf(buf, n, "%s", v != 0 ? "true" : "false"); break;
    case AD_PT_ENUM: snprintf(buf, n, "\"%s\"", p->names[(int)v]); break;
    case AD_PT_STRING: snprintf(buf, n, "\"\""); break;
    }
}

char *cfg_format_resolved(const ad_config *cfg, int mark_defaults)
{
    sbuf b = {0};
    unsigned char done[512];
    char name[80], v[64];
    if (ad_param_count > (int)sizeof done) return NULL;
    sb_printf(&b, "# aandacht resolved configuration\n");
    if (cfg->source[0]) {
        sb_printf(&b, "# from: ");
        for (const char *c = cfg->source; *c; c++) sb_printf(&b, "%c", (unsigned char)*c < 32 ? '?' : *c);
        sb_printf(&b, "\n");
    }
    memset(done, 0, sizeof done);
    write_group(&b, cfg, AD_SCOPE_G, 0, "", 0, done, mark_defaults);

    sb_printf(&b, "\nbrands = (\n");
    for (int k = 0; k < cfg->n_brands; k++) {
        memset(done, 0, sizeof done);
        sb_printf(&b, "    {\n");
        write_group(&b, cfg, AD_SCOPE_B, k, "", 2, done, mark_defaults);
        sb_printf(&b, "    }%s\n", k + 1 < cfg->n_brands ? "," : "");
    }
    sb_printf(&b, ");\n\nevents = (\n");
    for (int k = 0; k < cfg->n_events; k++) {
        const ad_event *e = &cfg->events[k];
        quoted(cfg->brands[e->brand].name, name, sizeof name);
        sb_printf(&b, "    { type = \"%s\"; brand = %s; week = %lld;", event_param("type")->names[e->type], name,
                  (long long)e->week);
        for (int i = 0; i < cfg__event_param_count; i++) {
            const ad_param *p = &cfg__event_params[i];
            if (p->type != AD_PT_REAL) continue;
            real_text(*(const double *)((const char *)e + p->offset), 1, v, sizeof v);
            sb_printf(&b, " %s = %s;", p->key, v);
        }
        sb_printf(&b, " }%s\n", k + 1 < cfg->n_events ? "," : "");
    }
    sb_printf(&b, ");\n\ninterventions = (\n");
    for (int k = 0; k < cfg->n_interventions; k++) {
        const ad_intervention *iv = &cfg->interventions[k];
        const ad_param *p = &ad_param_table[iv->param];
        quoted(cfg->brands[iv->brand].name, name, sizeof name);
        value_text(p, iv->value, v, sizeof v);
        sb_printf(&b, "    { week = %lld; brand = %s; key = \"%s\"; value = %s; }%s\n", (long long)iv->week, name,
                  p->key, v, k + 1 < cfg->n_interventions ? "," : "");
    }
    sb_printf(&b, ");\n");
    return sb_finish(&b);
}

/* ---- the parameter reference ------------------------------------------ */

typedef struct pcols {
    char key[160], type[16], def[80], range[256], unit[64];
} pcols;

static const char *const TYPE_NAMES[] = {"real", "int", "bool", "enum", "string"};

static void param_cols(const ad_param *p, const char *key_prefix, int required, pcols *c)
{
    snprintf(c->key, sizeof c->key, "%s%s", key_prefix, p->key);
    snprintf(c->type, sizeof c->type, "%s", TYPE_NAMES[p->type]);
    snprintf(c->unit, sizeof c->unit, "%s", p->unit && strcmp(p->unit, "1") ? p->unit : "");
    char lo[48], hi[48];
    bound_text(p->min, lo, sizeof lo);
    bound_text(p->max, hi, sizeof hi);
    snprintf(c->range, sizeof c->range, "%s to %s", lo, hi);
    switch (p->type) {
    case AD_PT_REAL: real_text(p->def, 0, c->def, sizeof c->def); break;
    case AD_PT_INT: bound_text(p->def, c->def, sizeof c->def); break;
    case AD_PT_BOOL:
        snprintf(c->def, sizeof c->def, "%s", p->def != 0 ? "true" : "false");
        snprintf(c->range, sizeof c->range, "true, false");
        break;
    case AD_PT_ENUM: {
        size_t used = 0;
        snprintf(c->def, sizeof c->def, "%s", p->names[(int)p->def]);
        for (int k = 0; p->names[k] && used < sizeof c->range; k++)
            used += (size_t)snprintf(c->range + used, sizeof c->range - used, "%s%s", k ? ", " : "", p->names[k]);
        break;
    }
    case AD_PT_STRING:
        snprintf(c->def, sizeof c->def, "%s", p->min >= 1 ? "required" : "\"\"");
        snprintf(c->range, sizeof c->range, "%.0f to %.0f characters", p->min, p->max - 1);
        break;
    }
    if (required) snprintf(c->def, sizeof c->def, "required");
}

/* Markdown table cell: | and < > escaped. */
static void md_cell(sbuf *b, const char *s)
{
    sb_printf(b, " ");
    for (; *s; s++) {
        if (*s == '|') sb_printf(b, "\\|");
        else if (*s == '<') sb_printf(b, "&lt;");
        else if (*s == '>') sb_printf(b, "&gt;");
        else sb_printf(b, "%c", *s);
    }
    sb_printf(b, " |");
}

static void md_row(sbuf *b, const pcols *c, const char *doc)
{
    sb_printf(b, "| `%s` |", c->key);
    md_cell(b, c->type);
    md_cell(b, c->def);
    md_cell(b, c->range);
    md_cell(b, c->unit);
    md_cell(b, doc);
    sb_printf(b, "\n");
}

/* Text: key, type, default, range and unit in columns; the doc indented
 * below, wrapped at 78 columns. */
/* Text wrapped to 78 columns, each line indented. */
static void wrap(sbuf *b, int indent, const char *s)
{
    int width = 78 - indent;
    while (*s) {
        int n = (int)strlen(s);
        if (n > width) {
            n = width;
            while (n > 0 && s[n] != ' ') n--;
            if (n == 0) n = width;
        }
        sb_printf(b, "%*s%.*s\n", indent, "", n, s);
        s += n;
        while (*s == ' ') s++;
    }
}

static void text_row(sbuf *b, const pcols *c, const char *doc)
{
    char line[1024];
    int wide = strlen(c->range) > 24;
    snprintf(line, sizeof line, "  %-38s %-6s %-16s %-24s %s", c->key, c->type, c->def, wide ? "(below)" : c->range,
             c->unit);
    for (size_t n = strlen(line); n && line[n - 1] == ' '; n--) line[n - 1] = '\0';
    sb_printf(b, "%s\n", line);
    if (wide) sb_printf(b, "        one of: %s\n", c->range);
    wrap(b, 8, doc);
}

static void row(sbuf *b, int md, const ad_param *p, const char *prefix, int required, const char *doc)
{
    pcols c;
    param_cols(p, prefix, required, &c);
    if (md) md_row(b, &c, doc ? doc : p->doc);
    else text_row(b, &c, doc ? doc : p->doc);
}

static void heading(sbuf *b, int md, const char *title, const char *intro)
{
    if (md) {
        sb_printf(b, "\n## %s\n\n%s%s| Key | Type | Default | Range | Unit | Meaning |\n"
                  "|---|---|---|---|---|---|\n", title, intro ? intro : "", intro ? "\n\n" : "");
    } else {
        sb_printf(b, "\n[%s]\n", title);
        if (intro) wrap(b, 2, intro);
    }
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_string(sbuf *b, const char *s)
{
    sb_printf(b, "\"");
    for (; s && *s; s++) {
        const unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') sb_printf(b, "\\%c", c);
        else if (c == '\n') sb_printf(b, "\\n");
        else if (c < 0x20) sb_printf(b, "\\u%04x", c);
        else sb_printf(b, "%c", c);
    }
    sb_printf(b, "\"");
}

/* A JSON number of the parameter's type: whole for INT, for REAL the
 * shortest text that reads back (real_text, always with a point) */
static void json_number(sbuf *b, ad_ptype type, double v)
{
    char buf[64];
    if (!isfinite(v)) sb_printf(b, "null");
    else if (type == AD_PT_INT) sb_printf(b, "%lld", (long long)v);
    else {
        real_text(v, 1, buf, sizeof buf);
        sb_printf(b, "%s", buf);
    }
}

static char *params_json(void)
{
    static const char *const TYPE_NAMES[] = {"real", "int", "bool", "enum", "string"};
    sbuf b = {0};
    sb_printf(&b, "{\n  \"parameters\": [\n");
    for (int i = 0; i < ad_param_count; i++) {
        const ad_param *p = &ad_param_table[i];
        const int number = p->type == AD_PT_REAL || p->type == AD_PT_INT;
        sb_printf(&b, "    {\"key\": ");
        json_string(&b, p->key);
        sb_printf(&b, ", \"per_brand\": %s, \"type\": \"%s\", \"default\": ",
                  p->scope == AD_SCOPE_B ? "true" : "false", TYPE_NAMES[p->type]);
        switch (p->type) {
        case AD_PT_REAL:
        case AD_PT_INT: json_number(&b, p->type, p->def); break;
        case AD_PT_BOOL: sb_printf(&b, "%s", p->def != 0 ? "true" : "false"); break;
        case AD_PT_ENUM: json_string(&b, p->names[(int)p->def]); break;
        case AD_PT_STRING: sb_printf(&b, "%s", p->min >= 1 ? "null" : "\"\""); break;
        }
        sb_printf(&b, ", \"min\": ");
        if (number) json_number(&b, p->type, p->min);
        else sb_printf(&b, "null");
        sb_printf(&b, ", \"max\": ");
        if (number) json_number(&b, p->type, p->max);
        else sb_printf(&b, "null");
        if (p->type == AD_PT_ENUM) {
            sb_printf(&b, ", \"values\": [");
            for (int k = 0; p->names[k]; k++) {
                if (k) sb_printf(&b, ", ");
                json_string(&b, p->names[k]);
            }
            sb_printf(&b, "]");
        }
        if (p->type == AD_PT_STRING)
            sb_printf(&b, ", \"min_length\": %.0f, \"max_length\": %.0f, \"required\": %s", p->min, p->max - 1,
                      p->min >= 1 ? "true" : "false");
        sb_printf(&b, ", \"unit\": ");
        json_string(&b, p->unit ? p->unit : "");
        sb_printf(&b, ", \"doc\": ");
        json_string(&b, p->doc);
        /* the claims whose mechanism the parameter is part of, and whether
         * it is a claim's switch (brand keys as brands.[I].key) */
        char name[160];
        snprintf(name, sizeof name, "%s%s", p->scope == AD_SCOPE_B ? "brands.[I]." : "", p->key);
        const char *cl = ad_param_claims(name);
        sb_printf(&b, ", \"claims\": [");
        for (int k = 0; cl && cl[k];) {
            const int len = (int)strcspn(cl + k, " ");
            sb_printf(&b, "%s\"%.*s\"", k ? ", " : "", len, cl + k);
            k += len;
            while (cl[k] == ' ') k++;
        }
        sb_printf(&b, "]");
        const ad_claim *sw = ad_claim_switched_by(name);
        if (sw) {
            sb_printf(&b, ", \"switch_of\": \"%s\", \"switch_off\": ", sw->id);
            json_number(&b, p->type, sw->off);
        }
        sb_printf(&b, "}%s\n", i + 1 < ad_param_count ? "," : "");
    }
    sb_printf(&b, "  ],\n  \"claims\": [\n");
    for (int k = 0; k < AD_N_CLAIMS; k++) {
        const ad_claim *c = &ad_claims[k];
        sb_printf(&b, "    {\"id\": \"%s\", \"text\": ", c->id);
        json_string(&b, c->text);
        sb_printf(&b, ", \"switch\": ");
        json_string(&b, c->switch_key);
        sb_printf(&b, ", \"on\": ");
        json_number(&b, AD_PT_REAL, c->on);
        sb_printf(&b, ", \"off\": ");
        json_number(&b, AD_PT_REAL, c->off);
        sb_printf(&b, "}%s\n", k + 1 < AD_N_CLAIMS ? "," : "");
    }
    sb_printf(&b, "  ]\n}\n");
    return sb_finish(&b);
}

char *cfg_format_params(const char *format)
{
    int md;
    if (!format || !strcmp(format, "text")) md = 0;
    else if (!strcmp(format, "markdown")) md = 1;
    else if (!strcmp(format, "json")) return params_json();
    else return NULL;
    sbuf b = {0};
    unsigned char done[512] = {0};
    char section[64];
    if (ad_param_count > (int)sizeof done) return NULL;
    if (md)
        sb_printf(&b, "# Parameters\n\n"
                  "Every parameter of aandacht, with its default, allowed range and unit. This page is generated "
                  "from `sim/param_table.def` by `aandacht params --markdown`; do not edit it by hand.\n\n"
                  "In a scenario file (see [scenario-files.md](scenario-files.md)) a key such as "
                  "`customer.switch_rate` is written as a group, `customer = { switch_rate = 0.05; };`, and on "
                  "the command line as `--set customer.switch_rate=0.05`. Brand parameters are written inside "
                  "each element of the `brands` list, and on the command line as `brands.[0].quality=0.7` or "
                  "`brands.NAME.quality=0.7`. Values outside the range are errors, never clamped.\n");
    else
        sb_printf(&b, "aandacht parameters: KEY  TYPE  DEFAULT  RANGE  UNIT, then what it means.\n"
                  "Set them in the scenario file or with --set KEY=VALUE; brand keys as\n"
                  "brands.[I].KEY or brands.NAME.KEY.\n");
    if (!md) sb_printf(&b, "\n  %-38s %-6s %-16s %-24s %s\n", "KEY", "TYPE", "DEFAULT", "RANGE", "UNIT");
    for (int i = 0; i < ad_param_count; i++) {
        const ad_param *p = &ad_param_table[i];
        if (p->scope != AD_SCOPE_G || done[i]) continue;
        size_t n = strcspn(p->key, ".");
        snprintf(section, sizeof section, "%.*s", (int)n, p->key);
        heading(&b, md, section, NULL);
        for (int j = i; j < ad_param_count; j++) {
            const ad_param *q = &ad_param_table[j];
            if (q->scope != AD_SCOPE_G || strncmp(q->key, section, n) || q->key[n] != '.') continue;
            done[j] = 1;
            row(&b, md, q, "", 0, NULL);
        }
    }
    heading(&b, md, "brands", "One entry per brand in the `brands` list (1 to 16 brands); I counts from 0.");
    for (int i = 0; i < ad_param_count; i++)
        if (ad_param_table[i].scope == AD_SCOPE_B) row(&b, md, &ad_param_table[i], "brands.[I].", 0, NULL);

    heading(&b, md, "events", "Each element of the `events` list is one reputation shock (at most 64).");
    for (int i = 0; i < cfg__event_param_count; i++) {
        const ad_param *p = &cfg__event_params[i];
        int req = !strcmp(p->key, "brand") || !strcmp(p->key, "week");
        row(&b, md, p, "events.[I].", req, NULL);
    }
    heading(&b, md, "interventions", "Each element of the `interventions` list changes one brand parameter "
            "from a recorded week on (at most 128).");
    ad_param iv[4] = {*event_param("week"), *event_param("brand"), *event_param("brand"), *event_param("brand")};
    iv[0].doc = "recorded week the change applies (0 to scenario.weeks - 1)";
    iv[1].doc = "name of the brand that changes";
    iv[2].key = "key";
    iv[2].doc = "the brand parameter to change: any brand key above except name and share";
    iv[3].key = "value";
    iv[3].doc = "the new value, of that parameter's type and within its range "
                "(bool: true/false; enum: the name in double quotes)";
    for (int i = 0; i < 4; i++) {
        pcols c;
        param_cols(&iv[i], "interventions.[I].", 1, &c);
        if (i == 2) snprintf(c.range, sizeof c.range, "a brand key");
        if (i == 3) {
            snprintf(c.type, sizeof c.type, "any");
            snprintf(c.range, sizeof c.range, "that parameter's range");
        }
        if (md) md_row(&b, &c, iv[i].doc);
        else text_row(&b, &c, iv[i].doc);
    }
    return sb_finish(&b);
}
