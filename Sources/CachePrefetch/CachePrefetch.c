// The module's one function is inline, in include/CachePrefetch.h.
#include "CachePrefetch.h"
