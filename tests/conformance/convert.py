#!/usr/bin/env python3
"""Turns the documented KQL examples (conformance/visible.jsonl, see its README) into .kqltest suites.

    python3 tests/conformance/convert.py PATH/visible.jsonl [--out DIR]

Keeps the self-contained examples (datatable/print/range/let literals, no stored table) that show
an output table, and writes them as .kqltest cases (docs/kqltest.md), one file per topic group:

    operators.kqltest    tabular operators (where, extend, project*, summarize, range, union, join,
                         lookup, mv-expand, make-series, ...)
    aggregates.kqltest   aggregate functions
    functions.kqltest    scalar functions
    expressions.kqltest  literals, null rules, comparison and string operators
    pending.kqltest      in scope, failing because of an engine bug (not run by CI)
    known.kqltest        in scope, known differences: the reason is in KNOWN (not run by CI)

Each case is preceded by a comment line with the example's id. Examples with a blocking flag are
skipped, unless UNBLOCK says why the flag does not apply to that example; examples whose documented
output is wrong or that use what kqlite does not support yet are listed in KNOWN with the reason;
the counts are printed at the end (docs/conformance.md quotes them).

Expected values are the documented cells, converted by value: the column types come from the
query's KQL semantics (TYPES below, written by hand, never from running kqlite); thousands
separators are dropped, `null` or an empty cell is a null (an empty string in a string column),
markdown in cells is removed, dynamic cells are parsed as JSON (a bare word is a JSON string).
"""
import argparse
import json
import os
import re
import sys
import unicodedata

BLOCKING = {
    'partial_output', 'now_dependent', 'random', 'doc_inconsistent', 'multiple_valid_outputs',
    'render', 'expression_snippet', 'control_command', 'not_a_query', 'take_without_sort',
    'ragged_table', 'approximate', 'placeholder_table',
}

# Topic -> group. A self-contained example whose topic is in no group is reported (a warning) and
# left out, so a new topic has to be placed here on purpose.
GROUPS = {
    'operators': [
        'where', 'project', 'project-away', 'project-rename', 'project-keep', 'project-reorder',
        'extend', 'summarize', 'range', 'union', 'sort/order', 'top', 'take', 'limit', 'distinct',
        'count', 'datatable', 'print', 'let', 'invoke', 'getschema', 'render',
        'tabular expression', 'tutorial: common operators', 'tutorial: aggregation',
        # joins, expansion, parsing, series and the rest: "the next issue" of the first
        # conversion (then left out, in next.kqltest), implemented since
        'join', 'join innerunique', 'join leftouter', 'tutorial: join', 'lookup', 'mv-expand',
        'mv-apply', 'parse', 'parse-where', 'make-series', 'top-nested', 'serialize',
        'materialize', 'toscalar', 'search', 'find', 'externaldata', 'evaluate', 'sample', 'as',
        'partition',
    ],
    'aggregates': [
        'count()', 'countif()', 'sumif()', 'avg()', 'dcount()', 'make_set()', 'make_list()',
        'arg_min()', 'arg_max()', 'take_any()/any()',
    ],
    'functions': [
        'bin()/floor()', 'bin_at()', 'isnull()', 'isnotnull()', 'isempty()', 'isnotempty()',
        'now()', 'ago()', 'startofday()', 'endofday()', 'startofweek()', 'startofmonth()',
        'format_datetime()', 'dayofweek()', 'toint()', 'tolong()', 'todatetime()', 'tobool()',
        'strcat()', 'strlen()', 'substring()', 'tolower()', 'toupper()', 'trim()',
        'replace_string()', 'extract()', 'round()', 'parse_json()/todynamic()', 'iff()/iif()',
        'dynamic',
    ],
    'expressions': [
        'string literals', 'null values', 'between', 'in', '!in', 'has', 'has_any', 'startswith',
        'endswith', 'matches regex', '=~', 'datetime/timespan arithmetic', 'timespan',
        'and/or/not',
    ],
}

# Column types of each converted example's result, worked out from the query (KQL semantics:
# datatable's declared types, sum of int is long, count is long, x / 1s is real, ...).
TYPES = {
    'project-rename-operator#1': 'string string string',
    'summarize-operator#7': 'dynamic dynamic',
    'summarize-operator#8': 'real real',
    'summarize-operator#9': 'long',
    'summarize-operator#10': 'dynamic dynamic',
    'sumif-aggregation-function#2': 'long',
    'make-set-aggregation-function#2': 'dynamic dynamic',
    'make-list-aggregation-function#1': 'dynamic',
    'make-list-aggregation-function#2': 'bool dynamic',
    'make-list-aggregation-function#3': 'bool dynamic',
    'arg-min-aggregation-function#3': 'string int string',
    'bin-function#2': 'timespan',
    'bin-function#3': 'datetime',
    'bin-at-function#2': 'timespan',
    'bin-at-function#4': 'datetime',
    'bin-at-function#5': 'datetime long',
    'range-operator#2': 'datetime',
    'union-operator#4': 'long',
    'union-operator#5': 'long',
    'datatable-operator#1': 'datetime string dynamic dynamic',
    'print-operator#1': 'long string',
    'print-operator#2': 'string',
    'let-statement#1': 'string int string',
    'let-statement#3': 'long long',
    'let-statement#4': 'long string',
    'isnull-function#v2': 'bool',
    'isnull-function#v4': 'bool',
    'isnull-function#v5': 'bool',
    'isempty-function#v1': 'bool',
    'isempty-function#v3': 'bool',
    'isempty-function#v5': 'bool',
    'datetime-timespan-arithmetic#2': 'real',
    'startofday-function#1': 'datetime',
    'endofday-function#1': 'datetime',
    'startofweek-function#1': 'datetime',
    'startofmonth-function#1': 'datetime',
    'format-datetime-function#1': 'string',
    'format-datetime-function#3': 'string',
    'day-of-week-function#2': 'timespan',
    'toint-function#2': 'int',
    'tolong-function#1.1': 'bool',
    'todatetime-function#2': 'bool',
    'tobool-function#1.1': 'bool',
    'strcat-function#1': 'string',
    'strlen-function#1': 'long',
    'substring-function#1.1': 'string',
    'tolower-function#1.1': 'bool',
    'toupper-function#1.1': 'bool',
    'trim-function#2': 'string string',
    'extract-function#2': 'string int',
    'between-operator#1': 'long',
    'round-function#1.1': 'real',
    'round-function#1.2': 'real',
    'round-function#1.3': 'real',
    'round-function#1.5': 'real',
    'parse-json-function#1': 'string dynamic dynamic dynamic',
    'parse-json-function#2': 'string',
    'null-values#2': 'int bool bool bool bool',
    'null-values#3': 'int string',
    'string#1': 'string string',
    'string#2': 'string',
    'string#3': 'string',
    'string#4': 'string',
    'string#6': 'long long long',
    'summarize-operator#5': 'long long long real dynamic long long long dynamic real long long '
                            'dynamic real',
    'summarize-operator#6': 'long long long long',
    'mv-expand-operator#1': 'int dynamic',
    'mv-expand-operator#2': 'int dynamic',
    'mv-expand-operator#5': 'int dynamic dynamic',
    'mv-expand-operator#7': 'dynamic long',
    'join-leftouter#1': 'string long string long',
    'make-series-operator#2': 'dynamic dynamic',
    'make-series-operator#4': 'dynamic dynamic',
    'make-series-operator#5': 'datetime int int',
    'mv-expand-operator#6': 'string int string string',
}

# Examples whose blocking flags do not apply, with the reason; they are converted like the others.
# id -> (flags lifted, reason).
UNBLOCK = {
    'summarize-operator#5': (
        {'random', 'approximate'},
        'the input is empty: take_any, percentile, hll and tdigest have one possible result'),
    'summarize-operator#6': (
        {'approximate'},
        'the input is empty: dcount and dcountif are exactly 0'),
    'mv-expand-operator#6': (
        {'doc_inconsistent'},
        "the only erratum is the header 'DateType', corrected to getschema's 'DataType' (FIXUPS)"),
}

# Documented cells corrected where the page renders the value wrongly; each is listed in
# docs/conformance.md. id -> (row, column, corrected cell, reason); row None is the header.
FIXUPS = {
    'mv-expand-operator#6': [(None, 2, 'DataType',
                              "the page's header says 'DateType'; getschema's column is 'DataType'")],
    'bin-function#2': [(0, 0, '14.00:00:00',
                        "the page writes the 14-day timespan as '14:00:00:00'")],
    'string#3': [(0, 0, 'Hello\u00a0World',
                  'the page renders the U+00A0 (no-break space) of the result as a plain space')],
}

# In scope, known differences: left out of the suites that CI runs and written to known.kqltest
# (not run) with the reason; docs/conformance.md lists them. id -> (kind, reason).
KNOWN = {
    'range-operator#2': (
        'doc output incomplete',
        'the union of 2024-01-01..05 and 2024-01-06..10 sorted by Time has 10 rows; the page '
        'shows only the last 7 (from 2024-01-04) and the example is not flagged partial_output'),
    'summarize-operator#5': (
        'not supported yet + engine bug',
        'buildschema() and tdigest() are not supported yet; hll() over empty input gives '
        '["kqlite.hll",0] where the page shows null'),
    'make-series-operator#5': (
        'not supported yet',
        'a constant as a make-series aggregation (other=-1: the constant in the bins that have '
        'rows, the default elsewhere) is rejected: "this is not an aggregate"'),
}

# In scope, failing because of an engine bug: written to pending.kqltest (not run by CI) until
# fixed, then removed from here so the case goes back to its suite. id -> note.
PENDING = {}


def ident_or_quoted(name):
    if re.fullmatch(r'[A-Za-z_][A-Za-z0-9_]*', name):
        return name
    return '"' + name.replace('\\', '\\\\').replace('"', '\\"') + '"'


def strip_markdown(text, keep_breaks):
    text = re.sub(r'<br\s*/?>', '\n' if keep_breaks else ' ', text)
    text = text.replace('&nbsp;', ' ')
    if len(text) >= 2 and text.startswith('`') and text.endswith('`'):
        text = text[1:-1]
    return text


def quote_string(text):
    out = []
    for ch in text:
        if ch == '\\':
            out.append('\\\\')
        elif ch == '"':
            out.append('\\"')
        elif ch == '\n':
            out.append('\\n')
        elif ch == '\r':
            out.append('\\r')
        elif ch == '\t':
            out.append('\\t')
        elif ord(ch) < 0x20:
            out.append('\\x%02x' % ord(ch))
        elif ch != ' ' and unicodedata.category(ch) in ('Zs', 'Zl', 'Zp', 'Cf'):
            out.append('\\u%04x' % ord(ch))   # invisible: spell it out
        else:
            out.append(ch)
    return '"' + ''.join(out) + '"'


def convert_cell(cell, typ, markdown):
    if markdown:
        cell = strip_markdown(cell, keep_breaks=(typ == 'string'))
    bare = cell.strip()
    if typ == 'string':
        return '""' if bare == 'null' else quote_string(cell)
    if bare in ('', 'null'):
        return 'null'
    if typ == 'bool':
        return bare.lower()
    if typ in ('int', 'long', 'real', 'decimal'):
        return bare.replace(',', '')
    if typ == 'datetime':
        return bare
    if typ == 'timespan':
        return bare
    if typ == 'dynamic':
        try:
            value = json.loads(bare)
        except ValueError:
            value = bare          # a bare word shown for a dynamic string
        return json.dumps(value, separators=(',', ':'), ensure_ascii=False)
    return bare


def case_text(ex):
    types = TYPES[ex['id']].split()
    cols = ex['columns']
    if len(types) != len(cols):
        raise SystemExit('%s: %d types for %d columns' % (ex['id'], len(types), len(cols)))
    markdown = 'markdown_in_cells' in ex['flags']
    cols = list(cols)
    rows = [list(r) for r in ex['rows']]
    for (ri, ci, cell, _reason) in FIXUPS.get(ex['id'], []):
        if ri is None:
            cols[ci] = cell
        else:
            rows[ri][ci] = cell
    header = ', '.join('%s:%s' % (ident_or_quoted(strip_markdown(c, False) if markdown else c), t)
                       for c, t in zip(cols, types))
    lines = ['# %s (%s: %s)' % (ex['id'], ex['doc'].rsplit('/', 1)[-1], ex.get('section') or '')]
    if ex['id'] in UNBLOCK:
        lines.append('# flags %s lifted: %s' % (','.join(sorted(UNBLOCK[ex['id']][0])),
                                                UNBLOCK[ex['id']][1]))
    if ex['id'] in FIXUPS:
        for fx in FIXUPS[ex['id']]:
            lines.append('# corrected: %s' % fx[3])
    if ex['id'] in PENDING:
        lines.append('# engine bug: %s' % PENDING[ex['id']])
    if ex['id'] in KNOWN:
        lines.append('# known difference (%s): %s' % KNOWN[ex['id']])
    lines.append('query unordered' if 'unordered' in ex['flags'] else 'query')
    query = ex['query'].replace('\r\n', '\n').rstrip('\n')
    for ql in query.split('\n'):
        if ql.strip() == '----':
            raise SystemExit('%s: query has a ---- line' % ex['id'])
    lines.extend(query.split('\n'))
    lines.append('----')
    lines.append(header)
    for r in rows:
        if len(r) != len(cols):
            raise SystemExit('%s: row has %d cells for %d columns' % (ex['id'], len(r), len(cols)))
        lines.append(', '.join(convert_cell(c, t, markdown) for c, t in zip(r, types)))
    return '\n'.join(lines) + '\n'


FILE_HEADERS = {
    'operators': 'Tabular operators',
    'aggregates': 'Aggregate functions',
    'functions': 'Scalar functions',
    'expressions': 'Literals, null rules, comparison and string operators',
    'pending': 'In scope but failing because of an engine bug (not run by CI; see docs/conformance.md)',
    'known': 'Known differences (not run by CI; reasons in docs/conformance.md)',
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('jsonl')
    ap.add_argument('--out', default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()

    topic_group = {t: g for g, ts in GROUPS.items() for t in ts}
    files = {g: [] for g in FILE_HEADERS}
    counts = dict(total=0, with_table=0, blocked=0, unblocked=0, in_scope=0, converted=0,
                  known=0, pending=0, unknown_topic=0)
    with open(args.jsonl, encoding='utf-8') as f:
        examples = [json.loads(line) for line in f if line.strip()]
    for ex in examples:
        counts['total'] += 1
        if not ex['self_contained'] or ex['columns'] is None:
            continue
        counts['with_table'] += 1
        blocked = sorted(set(ex['flags']) & BLOCKING)
        if ex['id'] in UNBLOCK:
            lifted = UNBLOCK[ex['id']][0]
            if not set(blocked) <= lifted:
                raise SystemExit('%s: UNBLOCK lifts %s but the flags are %s'
                                 % (ex['id'], sorted(lifted), blocked))
            counts['unblocked'] += 1
            print('unblock  %-40s %s' % (ex['id'], ','.join(blocked)))
            blocked = []
        if blocked:
            counts['blocked'] += 1
            print('blocked  %-40s %s' % (ex['id'], ','.join(blocked)))
            continue
        topic = ex['topic']
        if topic not in topic_group:
            counts['unknown_topic'] += 1
            print('warning: %s: topic %r in no group' % (ex['id'], topic), file=sys.stderr)
            continue
        counts['in_scope'] += 1
        if ex['id'] in KNOWN:
            counts['known'] += 1
            print('known    %-40s %s' % (ex['id'], KNOWN[ex['id']][0]))
            files['known'].append(case_text(ex))
            continue
        if ex['id'] in PENDING:
            counts['pending'] += 1
            files['pending'].append(case_text(ex))
            continue
        counts['converted'] += 1
        files[topic_group[topic]].append(case_text(ex))

    for name, cases in files.items():
        text = ['kqltest 1',
                '# %s: documented examples from the KQL reference' % FILE_HEADERS[name],
                '# (MicrosoftDocs/dataexplorer-docs, commit 1bbb122c; licenses: ATTRIBUTION.md).',
                '# Generated by convert.py from conformance/visible.jsonl: edit convert.py, not this.',
                '']
        for c in cases:
            text.append(c)
        with open(os.path.join(args.out, name + '.kqltest'), 'w', encoding='utf-8') as out:
            out.write('\n'.join(text))
    print(' '.join('%s=%d' % kv for kv in counts.items()))
    for g, cases in files.items():
        print('%s.kqltest: %d cases' % (g, len(cases)))


if __name__ == '__main__':
    main()
