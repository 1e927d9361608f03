/* A model file (models/) that includes an output header: must not compile. */
#include "h5out.h"
int layer_probe(void) { return 0; }
