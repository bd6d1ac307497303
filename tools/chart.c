/* chart.c -- SVG and terminal charts of a rendered result (chart.h). */
#include "chart.h"

#include <stdio.h>

int chart_svg(kqlite_result *res, FILE *out, char *err, size_t errlen)
{
	(void)res;
	(void)out;
	snprintf(err, errlen, "not supported yet: charts");
	return -1;
}

int chart_text(kqlite_result *res, int cols, int rows, bool color, FILE *out, char *err, size_t errlen)
{
	(void)res;
	(void)cols;
	(void)rows;
	(void)color;
	(void)out;
	snprintf(err, errlen, "not supported yet: charts");
	return -1;
}
