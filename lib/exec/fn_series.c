/* fn_series.c -- series_* functions over the arrays make-series produces. */
#include "exec.h"

const xfn_def xfn_series_defs[] = {
    {NULL, NULL, NULL, 0},
};
