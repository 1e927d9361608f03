/* fuzz_config.c: libFuzzer target for the scenario loader and --set.
 *
 * An input is a scenario file's text, optionally followed by a line "%%"
 * and up to 16 lines KEY=VALUE applied as --set overrides. The loader must
 * return (never crash, hang or read out of bounds: the target is built with
 * AddressSanitizer and UBSan); and a configuration it accepts must write
 * out (cfg_format_resolved) as a scenario that loads back to the same
 * configuration. `make fuzz` builds and runs it (docs/reliability.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define MAX_SETS 16

static ad_config cfg, back; /* plain data, large: not on the stack */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* the text as a C string ends at its first NUL; the loader sees the
     * same bytes a file with them would give it (cfg_load refuses NUL) */
    const char *sets[MAX_SETS];
    int n_sets = 0;
    char *split = strstr(text, "\n%%\n");
    if (split) {
        *split = '\0';
        char *line = split + 4;
        while (line && *line && n_sets < MAX_SETS) {
            char *nl = strchr(line, '\n');
            if (nl) *nl = '\0';
            sets[n_sets++] = line;
            line = nl ? nl + 1 : NULL;
        }
    }
    ad_error err;
    if (cfg_load_string(&cfg, text, "fuzz.cfg", sets, n_sets, &err) == AD_OK) {
        char *out = cfg_format_resolved(&cfg, 0); /* without "# default" marks: every value is given below */
        if (out) {
            if (cfg_load_string(&back, out, "resolved.cfg", NULL, 0, &err) != AD_OK) abort();
            memcpy(back.source, cfg.source, sizeof back.source); /* the "# from:" line */
            char *again = cfg_format_resolved(&back, 0);
            if (again && strcmp(out, again) != 0) abort(); /* the round trip must be exact */
            free(again);
            free(out);
        }
    }
    free(text);
    return 0;
}
