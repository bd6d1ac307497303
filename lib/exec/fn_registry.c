/* fn_registry.c -- finds a scalar function's implementation by its
 * canonical name, across the function libraries (fn_*.c). */
#include <string.h>

#include "exec.h"

extern const xfn_def xfn_string_defs[], xfn_conv_defs[], xfn_regex_defs[], xfn_time_defs[],
	xfn_math_defs[], xfn_dyn_defs[], xfn_net_defs[], xfn_series_defs[], xfn_window_defs[];

static const xfn_def *const libraries[] = {
	xfn_string_defs, xfn_conv_defs, xfn_regex_defs, xfn_time_defs, xfn_math_defs, xfn_dyn_defs, xfn_net_defs,
	xfn_series_defs, xfn_window_defs,
};

const xfn_def *xfn_lookup(const char *name)
{
	for (size_t l = 0; l < sizeof(libraries) / sizeof(libraries[0]); l++)
		for (const xfn_def *f = libraries[l]; f->name; f++)
			if (!strcmp(f->name, name))
				return f;
	return NULL;
}
