/* explore_cmd.c: `aandacht explore` hands over to the Python analysis
 * package, whose web server (analysis/aandacht/explore.py) runs this binary
 * (AANDACHT_BINARY) for every lever a strategist moves.
 *
 * The interpreter and the package are found as for `aandacht report`
 * (python_cmd.c). The server needs aiohttp besides: the Python side says so
 * when it is missing (Debian: python3-aiohttp). AANDACHT_SCENARIOS_INSTALLED
 * names the installed scenarios (the fallback of the default scenario,
 * baseline) unless the user set it. The process becomes
 * `PY -m aandacht explore ARGS`, so Ctrl-C and the exit status are the
 * server's own. Linked into the binary only, not into libaandacht.
 */
#include "explore_cmd.h"
#include "python_cmd.h"

#ifndef AD_SCENARIOS_INSTALLED
#define AD_SCENARIOS_INSTALLED ""
#endif

int explore_cmd(int argc, char **argv)
{
    static const python_cmd explore = {
        .name = "explore",
        .modules = "aiohttp, h5py, numpy, matplotlib and scipy",
        .debian = "python3 python3-aiohttp python3-h5py python3-numpy python3-matplotlib python3-scipy",
        .scenarios = AD_SCENARIOS_INSTALLED,
    };
    return python_cmd_run(&explore, argc, argv);
}
