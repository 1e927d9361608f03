/* A model file that includes core headers, as it may: must compile (the
 * control of the probes that must not). */
#include "config.h"
#include "rng.h"
int layer_probe(void) { return (int)rng_draw(1, 2, 3, RNG_TRAITS).v[0]; }
