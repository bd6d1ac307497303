/* chart.h -- charts of a result that ends in `render`: as SVG (for files
 * and the README) and as Unicode text sized to a terminal. Both read the
 * result's render kind and properties (kqlite_result_render_kind/_property)
 * and its columns: the x axis is xcolumn or the first datetime/numeric (or,
 * for bar/column/pie charts, string) column; y columns are ycolumns or the
 * numeric columns; a `series` property or the string columns split series. */
#ifndef KQ_CHART_H
#define KQ_CHART_H

#include <stdbool.h>
#include <stdio.h>

#include "kqlite.h"

/* Writes the chart as a standalone SVG document. Returns 0, or -1 with a
 * message in err (no render, nothing to plot, a write error). */
int chart_svg(kqlite_result *res, FILE *out, char *err, size_t errlen);

/* Draws the chart with Unicode characters in cols x rows cells (axes,
 * labels and legend included); ANSI colours when color is set. */
int chart_text(kqlite_result *res, int cols, int rows, bool color, FILE *out, char *err, size_t errlen);

#endif
