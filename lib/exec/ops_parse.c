/* ops_parse.c -- the parse operator. */
#include "engine.h"

bool plan_parse(planner *p, xtab *t, const ast *op)
{
	(void)t;
	return plan_error(p, op, "not supported yet: operator %s", ast_kind_name(op->kind));
}
