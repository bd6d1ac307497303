/* agg_stats.c -- statistical aggregates (stub: filled in by its owner). */
#include "exec.h"
