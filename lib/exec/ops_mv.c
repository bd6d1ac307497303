/* ops_mv.c -- the mv-expand operator. */
#include "engine.h"

bool plan_mv_expand(planner *p, xtab *t, const ast *op)
{
	(void)t;
	return plan_error(p, op, "not supported yet: operator %s", ast_kind_name(op->kind));
}
