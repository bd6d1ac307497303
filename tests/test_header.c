/* test_header.c -- kqlite.h must compile alone as pedantic C99. */
#include "kqlite.h"

int main(void)
{
	kqlite_span span = {0, 0, 1, 1};
	return (int)span.offset + (kqlite_type_name(KQLITE_TYPE_LONG) ? 0 : 1);
}
