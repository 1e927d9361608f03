/* cli.h: what the commands of the aandacht command line share: the "did
 * you mean" for a misspelt command or option, and the message for an
 * unknown option.
 */
#ifndef AD_CLI_H
#define AD_CLI_H

/* The word of the NULL-terminated list words that word is probably a
 * misspelling of, or NULL when none is close: at most one edit away for
 * words of up to three letters (not counting leading dashes), two for
 * longer ones. An option written --opt=VALUE is compared without =VALUE. */
const char *cli_nearest(const char *word, const char *const *words);

/* "aandacht: unknown option 'ARG' (did you mean '--X'?)" on standard error,
 * then the command's usage; returns 2, the exit status of bad usage. */
int cli_unknown_option(const char *usage, const char *const *options, const char *arg);

#endif
