/* stream.c: the JSON lines of `aandacht run --stream` (stream.h). */
#include <math.h>
#include <stdio.h>

#include "stream.h"

/* s as a JSON string: quotes, backslashes and control characters escaped;
 * other bytes (UTF-8) as they are */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
        else if (*p == '\n') fputs("\\n", f);
        else if (*p == '\t') fputs("\\t", f);
        else if (*p < 0x20 || *p == 0x7f) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
    fputc('"', f);
}

/* a double that reads back exactly; null where JSON has no number */
static void json_number(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.17g", v);
    else fputs("null", f);
}

static void end_line(FILE *f)
{
    fputs("}\n", f);
    fflush(f);
}

void stream_start(FILE *f, const ad_config *cfg, int64_t first_week, int64_t warmup_steps, const char *outpath)
{
    fputs("{\"event\":\"start\",\"scenario\":", f);
    json_string(f, cfg->name);
    fputs(",\"brands\":[", f);
    for (int b = 0; b < cfg->n_brands; b++) {
        if (b) fputc(',', f);
        json_string(f, cfg->brands[b].name);
    }
    fprintf(f, "],\"weeks\":%lld,\"first_week\":%lld,\"warmup_steps\":%lld,\"output\":", (long long)cfg->weeks,
            (long long)first_week, (long long)warmup_steps);
    json_string(f, outpath);
    end_line(f);
}

void stream_warmup(FILE *f, int64_t step, int64_t of)
{
    fprintf(f, "{\"event\":\"warmup\",\"step\":%lld,\"of\":%lld", (long long)step, (long long)of);
    end_line(f);
}

void stream_week(FILE *f, int64_t t, const ad_obs *obs, int n_brands)
{
    fprintf(f, "{\"event\":\"week\",\"week\":%lld", (long long)t);
    for (int k = 0; k < AD_N_MARKET; k++) {
        fputc(',', f);
        json_string(f, ad_market_names[k]);
        fputc(':', f);
        json_number(f, obs->market[k]);
    }
    for (int k = 0; k < AD_N_BRAND; k++) {
        fputc(',', f);
        json_string(f, ad_brand_h5names[k]);
        fputs(":[", f);
        for (int b = 0; b < n_brands; b++) {
            if (b) fputc(',', f);
            json_number(f, obs->brand[k][b]);
        }
        fputc(']', f);
    }
    end_line(f);
}

void stream_done(FILE *f, const char *outpath, int64_t weeks)
{
    fputs("{\"event\":\"done\",\"output\":", f);
    json_string(f, outpath);
    fprintf(f, ",\"weeks\":%lld", (long long)weeks);
    end_line(f);
}
