/* fn_conv.c -- scalar functions (stub: filled in by its owner). */
#include "exec.h"

const xfn_def xfn_conv_defs[] = {
	{NULL, NULL, NULL, 0},
};

bool vec_cast(xctx *cx, const vec *v, uint8_t type, const uint32_t *sel, uint32_t n, uint32_t rows,
              vec *out)
{
	(void)v; (void)sel; (void)n; (void)rows; (void)out;
	return x_error(cx->q, "not supported yet: conversion to %s", kqlite_type_name((kqlite_type)type));
}
