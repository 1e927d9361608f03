/* python_cmd.h: the commands handed over to the Python analysis package
 * (analysis/aandacht), `aandacht report` and `aandacht explore`: finding the
 * interpreter and the package, and becoming `PY -m aandacht NAME ARGS`. */
#ifndef AD_PYTHON_CMD_H
#define AD_PYTHON_CMD_H

typedef struct python_cmd {
    const char *name;      /* the subcommand, as the package knows it: "report" */
    const char *modules;   /* what it needs besides Python 3, for the message: "h5py, numpy, matplotlib and scipy" */
    const char *debian;    /* the Debian packages that give Python 3 and those: "python3 python3-h5py ..." */
    const char *usage;     /* written for --help (or -h) when there is no interpreter at all; NULL: none */
    const char *scenarios; /* AANDACHT_SCENARIOS_INSTALLED, unless the user set it; NULL or "": not set */
} python_cmd;

/* Runs `PY -m aandacht NAME ARGS` (argv[2..]) with the package in front of
 * PYTHONPATH and AANDACHT_BINARY naming this binary (unless set already);
 * returns only when that cannot start: 2 with a message saying what to
 * install or set, 1 when the environment cannot be set (python_cmd.c). */
int python_cmd_run(const python_cmd *cmd, int argc, char **argv);

#endif
