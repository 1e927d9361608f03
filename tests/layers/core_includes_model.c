/* A core file (sim/) that includes a model header: must not compile. */
#include "world.h"
int layer_probe(void) { return 0; }
