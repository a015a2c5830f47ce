// The module's functions are inline, in include/SquareTranspose.h.
#include "SquareTranspose.h"
