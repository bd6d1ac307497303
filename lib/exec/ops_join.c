/* ops_join.c -- the join operator. */
#include "engine.h"

bool plan_join(planner *p, xtab *t, const ast *op)
{
	(void)t;
	return plan_error(p, op, "not supported yet: operator %s", ast_kind_name(op->kind));
}
