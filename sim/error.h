/* error.h: one list of error codes and one error record for the whole engine.
 *
 * Every function that can fail returns an int status from AD_ERRORS and, when
 * it fails, fills an ad_error: the code, and for configuration errors the
 * file, line and key, plus a message a user can act on. ad_exit_status maps a
 * code to the command's exit status (0 ok, 1 runtime failure, 2 bad usage,
 * bad configuration or a damaged file, 3 a file that is intact but
 * incomplete).
 */
#ifndef AD_ERROR_H
#define AD_ERROR_H

#include <stdarg.h>
#include "api.h"

/* X(code, exit status, what it means) */
#define AD_ERRORS(X)                                              \
    X(AD_OK,         0, "success")                                \
    X(AD_ERR_USAGE,  2, "bad usage")                              \
    X(AD_ERR_CONFIG, 2, "bad configuration")                      \
    X(AD_ERR_EXISTS, 2, "output exists")                          \
    X(AD_ERR_IO,     1, "input/output error")                     \
    X(AD_ERR_NOMEM,  1, "out of memory")                          \
    X(AD_ERR_HDF5,   1, "HDF5 error")                             \
    X(AD_ERR_INTERRUPTED, 1, "interrupted")                      \
    X(AD_ERR_DAMAGED, 2, "damaged file")                          \
    X(AD_ERR_INCOMPLETE, 3, "incomplete file")

enum {
#define AD_ERR_ENUM(c, s, m) c,
    AD_ERRORS(AD_ERR_ENUM)
#undef AD_ERR_ENUM
    AD_ERR_COUNT
};

typedef struct ad_error {
    int code;               /* AD_OK or one of AD_ERRORS */
    char file[512];         /* file the error is about, "" if none */
    int line;               /* line in that file, 0 if unknown */
    char key[128];          /* configuration key, "" if none */
    char msg[1024];         /* what is wrong and what is allowed */
} ad_error;

/* Clears err to AD_OK. */
AD_API void ad_error_clear(ad_error *err);
/* Fills err and returns code; file/key may be NULL. */
AD_API int ad_error_set(ad_error *err, int code, const char *file, int line,
                 const char *key, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
AD_API const char *ad_error_name(int code);
AD_API int ad_exit_status(int code);
/* "FILE:LINE: key 'KEY': MSG" (the parts that are known). */
AD_API void ad_error_format(const ad_error *err, char *buf, unsigned long n);

#endif
