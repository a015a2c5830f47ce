// The module's functions are inline, in include/CacheHints.h.
#include "CacheHints.h"
