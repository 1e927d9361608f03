/* support.h: helpers shared by the Criterion tests (temporary folders,
 * running the aandacht binary, small scenario files). */
#ifndef AD_TEST_SUPPORT_H
#define AD_TEST_SUPPORT_H

#include <stddef.h>

/* A fresh temporary folder for this test (mkdtemp); path in a static buffer. */
const char *ts_tmpdir(void);
/* Writes text to dir/name and returns the full path (static buffer, 4 slots). */
const char *ts_write(const char *dir, const char *name, const char *text);
/* Runs the aandacht binary with the given arguments (shell-quoted by the
 * caller); captures stderr+stdout into out (may be NULL). Returns the exit
 * status, or -1 if it did not exit normally. */
int ts_run(char *out, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
