/* explore_cmd.h: `aandacht explore`, a local web page with sliders, served by
 * the Python analysis package (analysis/aandacht/explore.py). */
#ifndef AD_EXPLORE_CMD_H
#define AD_EXPLORE_CMD_H

/* Runs `PY -m aandacht explore ARGS` (argv[2..]) with the package on
 * PYTHONPATH and AANDACHT_BINARY naming this binary (unless set already),
 * so the server runs this very engine; returns only when that cannot start:
 * 2 with a message saying what to install or set. */
int explore_cmd(int argc, char **argv);

#endif
