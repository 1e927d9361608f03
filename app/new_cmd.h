/* new_cmd.h: `aandacht new NAME [--from SCENARIO] [-o PATH] [--force]`, a
 * new scenario file made from another (new_cmd.c says how). */
#ifndef AD_NEW_CMD_H
#define AD_NEW_CMD_H

/* Its usage text, also shown by `aandacht help new`. */
extern const char *const NEW_USAGE;

/* Runs the command (argv[1] is "new"); returns the exit status. */
int new_cmd(int argc, char **argv);

#endif
