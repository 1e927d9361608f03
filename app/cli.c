/* cli.c: "did you mean" for the command line (cli.h). The distance is
 * ad_edit_distance, the one the scenario loader uses for misspelt keys. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "params.h"

/* Every letter of word appears in w, in order: w is word with letters
 * left out (--sed in --seed). */
static int letters_left_out(const char *word, const char *w)
{
    for (; *w && *word; w++)
        if (*w == *word) word++;
    return !*word;
}

const char *cli_nearest(const char *word, const char *const *words)
{
    char bare[64];
    int d;
    /* --seed=3 is compared as --seed */
    snprintf(bare, sizeof bare, "%.*s", (int)strcspn(word, "="), word);
    const char *near = ad_nearest_name(bare, words, &d);
    size_t letters = strlen(bare + strspn(bare, "-"));
    if (!near || letters == 0 || d > (letters <= 3 ? 1 : 2)) return NULL;
    /* of words as close, one that only lacks letters is the likelier slip
     * (--sed: --seed rather than --set) */
    for (int i = 0; words[i]; i++)
        if (ad_edit_distance(bare, words[i]) == d && letters_left_out(bare, words[i])) return words[i];
    return near;
}

int cli_unknown_option(const char *usage, const char *const *options, const char *arg)
{
    const char *near = cli_nearest(arg, options), *eq = strchr(arg, '=');
    if (near && eq && (size_t)(eq - arg) == strlen(near) && !strncmp(arg, near, strlen(near)))
        fprintf(stderr, "aandacht: unknown option '%s' (write '%s %s', with a space)\n\n%s", arg, near, eq + 1,
                usage);
    else if (near)
        fprintf(stderr, "aandacht: unknown option '%s' (did you mean '%s'?)\n\n%s", arg, near, usage);
    else
        fprintf(stderr, "aandacht: unknown option '%s'\n\n%s", arg, usage);
    return 2;
}
