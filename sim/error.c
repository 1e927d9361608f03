/* error.c: messages and exit statuses for the codes of error.h. */
#include "error.h"

#include <stdio.h>
#include <string.h>

static const struct { const char *what; int exit; } ad_err_info[] = {
#define AD_ERR_INFO(c, s, m) {m, s},
    AD_ERRORS(AD_ERR_INFO)
#undef AD_ERR_INFO
};

void ad_error_clear(ad_error *err)
{
    if (err) memset(err, 0, sizeof *err);
}

int ad_error_set(ad_error *err, int code, const char *file, int line,
                 const char *key, const char *fmt, ...)
{
    if (!err) return code;
    err->code = code;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    snprintf(err->key, sizeof err->key, "%s", key ? key : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

const char *ad_error_name(int code)
{
    if (code < 0 || code >= AD_ERR_COUNT) return "unknown error";
    return ad_err_info[code].what;
}

int ad_exit_status(int code)
{
    if (code < 0 || code >= AD_ERR_COUNT) return 1;
    return ad_err_info[code].exit;
}

void ad_error_format(const ad_error *err, char *buf, unsigned long n)
{
    size_t used = 0;
    buf[0] = '\0';
    if (err->file[0])
        used += (size_t)snprintf(buf + used, n - used, err->line > 0 ? "%s:%d: " : "%s: ",
                                 err->file, err->line);
    if (used < n && err->key[0])
        used += (size_t)snprintf(buf + used, n - used, "key '%s': ", err->key);
    if (used < n)
        snprintf(buf + used, n - used, "%s", err->msg[0] ? err->msg : ad_error_name(err->code));
}
