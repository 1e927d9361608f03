/* run_state.c: saving and loading a run's world (run_state.h). */
#include "run_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

/* text without its comment lines (the "# from: FILE" of a resolved
 * configuration), for comparing two configurations */
static char *uncommented(const char *text)
{
    char *out = malloc(strlen(text) + 1), *o = out;
    if (!out) return NULL;
    for (const char *p = text; *p;) {
        const char *end = strchr(p, '\n');
        size_t len = end ? (size_t)(end - p) + 1 : strlen(p);
        if (*p != '#') {
            memcpy(o, p, len);
            o += len;
        }
        p += len;
    }
    *o = 0;
    return out;
}

static int same_config(const char *saved_text, const ad_config *cfg)
{
    char *now = cfg_format_resolved(cfg, 0);
    char *a = now ? uncommented(now) : NULL, *b = uncommented(saved_text);
    int same = a && b && !strcmp(a, b);
    free(a);
    free(b);
    free(now);
    return same;
}

int run_state_load(const char *path, const ad_config *cfg, int threads, ad_world **w, run_origin *origin,
                   ad_error *err)
{
    *w = NULL;
    memset(origin, 0, sizeof *origin);
    h5state_info info;
    int rc = h5state_open(path, &info, err);
    if (rc) return rc;
    static ad_config saved; /* large: not on the stack */
    rc = cfg_load_string(&saved, info.config, path, NULL, 0, err);
    if (rc) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL, "its configuration does not load: %s", why);
        goto done;
    }
    if (info.sizes.customers != saved.customers || info.sizes.brands != saved.n_brands) {
        rc = ad_error_set(err, AD_ERR_DAMAGED, path, 0, NULL, "its sizes do not match its own configuration");
        goto done;
    }
    if ((rc = cfg_state_check(&saved, cfg, info.week, path, err))) goto done;
    if ((rc = ad_world_create_for_state(w, cfg, threads, &info.sizes, err))) goto done;
    ad_state st;
    ad_world_state(*w, &st);
    st.steps = info.steps;
    st.week = info.week;
    st.sizes = info.sizes;
    if ((rc = h5state_read(path, &st, err))) goto done;
    if ((rc = ad_world_state_loaded(*w, &st, err))) {
        if (!err->file[0]) snprintf(err->file, sizeof err->file, "%s", path);
        goto done;
    }
    origin->path = path;
    snprintf(origin->digest, sizeof origin->digest, "%s", info.digest);
    origin->week = info.week;
    origin->same = same_config(info.config, cfg);
done:
    if (rc) {
        ad_world_free(*w);
        *w = NULL;
    }
    h5state_info_free(&info);
    return rc;
}

int run_state_save(const char *path, ad_world *w, const char *resolved, const char *input, int force, ad_error *err)
{
    ad_state st;
    ad_world_state(w, &st);
    return h5state_save(path, &st, resolved, input, force, err);
}
