/* report_cmd.h: `aandacht report`, handed over to the Python analysis package. */
#ifndef AD_REPORT_CMD_H
#define AD_REPORT_CMD_H

/* Runs `PY -m aandacht report ARGS` (argv[2..]) with the package on
 * PYTHONPATH; returns only when that cannot start: 2 with a message saying
 * what to install or set. */
int report_cmd(int argc, char **argv);

#endif
