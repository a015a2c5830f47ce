// The module's functions are inline, in include/CachePrefetch.h.
#include "CachePrefetch.h"
