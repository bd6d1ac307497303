/* fn_time.c -- scalar functions (stub: filled in by its owner). */
#include "exec.h"

const xfn_def xfn_time_defs[] = {
	{NULL, NULL, NULL, 0},
};
