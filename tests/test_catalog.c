/* test_catalog.c -- the built-in schemas generated from data/schemas and
 * the lookups over them. */
/* cmocka needs these before it, in this order. */
/* clang-format off */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
/* clang-format on */

#include <string.h>

#include "catalog.h"

static const char *const builtin_names[] = {
    "DeviceEvents",
    "DeviceFileCertificateInfo",
    "DeviceFileEvents",
    "DeviceImageLoadEvents",
    "DeviceInfo",
    "DeviceLogonEvents",
    "DeviceNetworkEvents",
    "DeviceNetworkInfo",
    "DeviceProcessEvents",
    "DeviceRegistryEvents",
    "EmailAttachmentInfo",
    "EmailEvents",
    "EmailPostDeliveryEvents",
    "EmailUrlInfo",
    "SecurityAlert",
    "SecurityIncident",
};
#define NBUILTIN (sizeof(builtin_names) / sizeof(builtin_names[0]))

static void test_builtin_sorted(void **state)
{
	(void)state;
	assert_int_equal(catalog_builtin_count, 16);
	assert_int_equal(catalog_builtin_count, NBUILTIN);
	for (size_t i = 0; i < catalog_builtin_count; i++) {
		assert_string_equal(catalog_builtin[i].name, builtin_names[i]);
		if (i > 0)
			assert_true(strcmp(catalog_builtin[i - 1].name, catalog_builtin[i].name) <
			            0);
	}
}

static void test_builtin_columns_sane(void **state)
{
	(void)state;
	for (size_t i = 0; i < catalog_builtin_count; i++) {
		const table_def *t = &catalog_builtin[i];
		assert_true(t->ncols > 0);
		for (size_t j = 0; j < t->ncols; j++) {
			const col_def *c = &t->cols[j];
			assert_non_null(c->name);
			assert_true(c->name[0] != '\0');
			/* System columns (_BilledSize, _IsBillable) are not part of the schema. */
			if (c->name[0] == '_')
				fail_msg("%s.%s: system column in schema", t->name, c->name);
			assert_true(c->type >= KQLITE_TYPE_BOOL && c->type <= KQLITE_TYPE_DYNAMIC);
			/* Names are unique, and the index finds each one where it is. */
			assert_int_equal(table_column_index(t, c->name), (long)j);
		}
	}
}

static void expect_col(const char *table, const char *col, kqlite_type type)
{
	const table_def *t = catalog_builtin_find(table);
	assert_non_null(t);
	long i = table_column_index(t, col);
	if (i < 0)
		fail_msg("%s has no column %s", table, col);
	assert_int_equal(t->cols[i].type, type);
}

static void test_builtin_known_columns(void **state)
{
	(void)state;
	expect_col("SecurityAlert", "TimeGenerated", KQLITE_TYPE_DATETIME);
	expect_col("SecurityAlert", "ConfidenceScore", KQLITE_TYPE_REAL);
	expect_col("DeviceEvents", "Timestamp", KQLITE_TYPE_DATETIME);
	expect_col("DeviceEvents", "TimeGenerated", KQLITE_TYPE_DATETIME);
	expect_col("DeviceEvents", "AdditionalFields", KQLITE_TYPE_DYNAMIC);
	expect_col("DeviceEvents", "FileSize", KQLITE_TYPE_LONG);
	expect_col("DeviceEvents", "AccountName", KQLITE_TYPE_STRING);
	expect_col("SecurityIncident", "TimeGenerated", KQLITE_TYPE_DATETIME);
	/* Column order follows the JSON: DeviceEvents starts with Timestamp. */
	const table_def *t = catalog_builtin_find("DeviceEvents");
	assert_non_null(t);
	assert_int_equal(t->ncols, 61);
	assert_string_equal(t->cols[0].name, "Timestamp");
	assert_string_equal(t->cols[1].name, "AccountDomain");
	/* Every table has a TimeGenerated datetime. */
	for (size_t i = 0; i < catalog_builtin_count; i++)
		expect_col(catalog_builtin[i].name, "TimeGenerated", KQLITE_TYPE_DATETIME);
}

static void test_builtin_find(void **state)
{
	(void)state;
	for (size_t i = 0; i < NBUILTIN; i++) {
		const table_def *t = catalog_builtin_find(builtin_names[i]);
		assert_ptr_equal(t, &catalog_builtin[i]);
	}
	static const char *const missing[] = {"",
	                                      "A",
	                                      "Zzz",
	                                      "securityalert",
	                                      "SecurityAlerts",
	                                      "SecurityAler",
	                                      "DeviceEvent",
	                                      " DeviceEvents",
	                                      "_BilledSize"};
	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++)
		assert_null(catalog_builtin_find(missing[i]));
}

static void test_column_index_missing(void **state)
{
	(void)state;
	const table_def *t = catalog_builtin_find("SecurityAlert");
	assert_non_null(t);
	assert_int_equal(table_column_index(t, "timegenerated"), -1);
	assert_int_equal(table_column_index(t, ""), -1);
	assert_int_equal(table_column_index(t, "_BilledSize"), -1);
	assert_int_equal(table_column_index(t, "_IsBillable"), -1);
	assert_int_equal(table_column_index(t, "NoSuchColumn"), -1);
}

static void test_catalog_init_find(void **state)
{
	(void)state;
	catalog c;
	assert_int_equal(catalog_init(&c), KQLITE_OK);
	assert_int_equal(c.ntables, 16);
	assert_non_null(c.tables);
	for (size_t i = 0; i < NBUILTIN; i++) {
		size_t idx = 999;
		const table_def *t = catalog_find(&c, builtin_names[i], &idx);
		assert_non_null(t);
		assert_string_equal(t->name, builtin_names[i]);
		assert_ptr_equal(c.tables[idx], t);
		/* index is optional. */
		assert_ptr_equal(catalog_find(&c, builtin_names[i], NULL), t);
	}
	size_t idx = 999;
	assert_null(catalog_find(&c, "NoSuchTable", &idx));
	assert_int_equal(idx, 999);
	assert_null(catalog_find(&c, "deviceevents", NULL));
	assert_null(catalog_find(&c, "", NULL));
	catalog_free(&c);
	assert_null(c.tables);
	assert_int_equal(c.ntables, 0);
	/* Freeing twice, or a NULL catalog, is harmless. */
	catalog_free(&c);
	catalog_free(NULL);
}

static void test_catalog_independent(void **state)
{
	(void)state;
	/* Two catalogs share nothing mutable. */
	catalog a, b;
	assert_int_equal(catalog_init(&a), KQLITE_OK);
	assert_int_equal(catalog_init(&b), KQLITE_OK);
	assert_ptr_not_equal(a.tables, b.tables);
	catalog_free(&a);
	assert_non_null(catalog_find(&b, "EmailEvents", NULL));
	catalog_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builtin_sorted),
	    cmocka_unit_test(test_builtin_columns_sane),
	    cmocka_unit_test(test_builtin_known_columns),
	    cmocka_unit_test(test_builtin_find),
	    cmocka_unit_test(test_column_index_missing),
	    cmocka_unit_test(test_catalog_init_find),
	    cmocka_unit_test(test_catalog_independent),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
