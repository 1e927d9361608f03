/* A model file (models/) that includes an app header: must not compile. */
#include "sweep_run.h"
int layer_probe(void) { return 0; }
