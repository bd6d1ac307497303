/* kql.y -- the KQL grammar (lemon). Actions are one-line calls into the
 * tree builders of lib/parse/ast.c; all nodes live in the parser's arena,
 * so a syntax error needs no destructors. Keywords fall back to plain
 * identifiers wherever a keyword cannot stand (count, kind, type, by...). */

%name kqlParse
%token_prefix TK_
%token_type {lex_token}
%default_type {ast *}
%extra_context {parser *p}
%stack_size 4000

%include {
#include <assert.h>
#include <stdlib.h>
#include "parse_int.h"
}

/* On an error, list the tokens the current state names explicitly: those
 * are what the message says was expected. */
%syntax_error {
	int expected[YYNTOKEN];
	int nexpected = 0;
	YYACTIONTYPE st = yypParser->yytos->stateno;
	if (st <= YY_MAX_SHIFT) {
		for (int tok = 1; tok < YYNTOKEN; tok++) {
			int i = yy_shift_ofst[st] + tok;
			if (i >= 0 && i < (int)YY_NLOOKAHEAD && yy_lookahead[i] == tok)
				expected[nexpected++] = tok;
		}
	}
	parse_syntax_error(p, yymajor, yyminor, expected, nexpected);
}
%stack_overflow { parse_stack_overflow(p); }

/* Token codes fixed here so the lexer and messages can rely on them. */
%token ILLEGAL ID BRACKETNAME PARAMNAME HINTNAME STRING LONG REAL TIMESPAN TYPEDLIT DYNLIT.

/* Keywords usable as names where a keyword cannot stand. */
%fallback ID
  WHERE FILTER EXTEND PROJECT PROJECT_AWAY PROJECT_KEEP PROJECT_RENAME
  PROJECT_REORDER SUMMARIZE BY RANGE FROM TO STEP UNION JOIN LOOKUP ON SORT
  ORDER ASC DESC NULLS FIRST LAST TOP TOP_NESTED OF WITH OTHERS TAKE LIMIT
  DISTINCT COUNT DATATABLE PRINT RENDER MV_EXPAND MV_APPLY PARSE PARSE_WHERE
  MAKE_SERIES EVALUATE INVOKE AS SERIALIZE SAMPLE SAMPLE_DISTINCT SEARCH FIND
  GETSCHEMA EXTERNALDATA PARTITION LET SET DECLARE QUERY_PARAMETERS TYPEOF
  DEFAULT VIEW PARAMNAME HINTNAME PROJECT_SMART.

/* Precedence, lowest first. LOW marks sources whose item lists would
 * otherwise be ambiguous inside argument lists: they take the commas. */
%left LOW.
%left COMMA.
%left OR.
%left AND.
%left CMP STROP INOP BETWEEN.
%left PLUS MINUS.
%left STAR SLASH PERCENT.
%right UNARY.
%left DOT LBRACKET BRACKETNAME.
%nonassoc STRING.

/* ---- statements ------------------------------------------------------ */

query ::= stmts(L). { p->root = L; }

%type stmts {ast *}
stmts(A) ::= stmt(S). { A = ndn(p, A_QUERY, 1, S); }
stmts(A) ::= stmts(L) SEMI stmt(S). { A = push(p, L, S); }
stmts(A) ::= stmts(L) SEMI(T). { A = endat(L, T); }

stmt(A) ::= pipe(E). { A = E; }
stmt(A) ::= LET(T) name(N) EQ letval(V). { A = named_from(ndk(p, A_LET, T, 1, V), N); }
stmt(A) ::= SET(T) name(N). { A = cover(named_from(nd(p, A_SET, T), N), N); }
stmt(A) ::= SET(T) name(N) EQ expr(V). { A = named_from(ndk(p, A_SET, T, 1, V), N); }
stmt(A) ::= DECLARE(T) QUERY_PARAMETERS LP params(L) RP(E). { A = endat(ndk(p, A_DECLARE, T, 1, L), E); }

letval(A) ::= pipe(E). { A = E; }
letval(A) ::= lambda(L). { A = L; }

lambda(A) ::= LP(T) RP body(B). { A = ndk(p, A_LAMBDA, T, 2, nd(p, A_PARAMS, T), B); }
lambda(A) ::= LP(T) params(L) RP body(B). { A = ndk(p, A_LAMBDA, T, 2, L, B); }
lambda(A) ::= VIEW(T) LP RP body(B). { A = with_op(ndk(p, A_LAMBDA, T, 2, nd(p, A_PARAMS, T), B), 1); }
lambda(A) ::= VIEW(T) LP params(L) RP body(B). { A = with_op(ndk(p, A_LAMBDA, T, 2, L, B), 1); }

body(A) ::= LBRACE(T) stmts(L) RBRACE(E). { A = endat(L, E); if (A) A->kind = A_BODY; A = startat(A, T); }

params(A) ::= param(P). { A = ndn(p, A_PARAMS, 1, P); }
params(A) ::= params(L) COMMA param(P). { A = push(p, L, P); }

param(A) ::= name(N) COLON type(T). { A = ndnm(p, A_PARAM, N, 1, T); }
param(A) ::= name(N) COLON type(T) EQ expr(D). { A = ndnm(p, A_PARAM, N, 2, T, D); }
param(A) ::= name(N) COLON schema(S). { A = ndnm(p, A_PARAM, N, 1, S); }

type(A) ::= name(N). { A = mk_type(p, N); }

schema(A) ::= LP(T) STAR RP(E). { A = endat(with_op(nd(p, A_SCHEMA, T), 1), E); }
schema(A) ::= LP(T) coldecls(L) RP(E). { A = endat(L, E); A = startat(A, T); }
schema(A) ::= LP(T) coldecls(L) COMMA STAR RP(E). { A = with_op(endat(L, E), 1); A = startat(A, T); }

coldecls(A) ::= coldecl(C). { A = ndn(p, A_SCHEMA, 1, C); }
coldecls(A) ::= coldecls(L) COMMA coldecl(C). { A = push(p, L, C); }
coldecl(A) ::= name(N) COLON type(T). { A = ndnm(p, A_COLDECL, N, 1, T); }

/* ---- pipelines ------------------------------------------------------- */

pipe(A) ::= expr(E). { A = E; }
pipe(A) ::= source(S). { A = S; }
pipe(A) ::= pipe(L) PIPE tabop(O). { A = mk_pipe(p, L, O); }

subpipe(A) ::= tabop(O). { A = ndn(p, A_SUBPIPE, 1, O); }
subpipe(A) ::= subpipe(L) PIPE tabop(O). { A = push(p, L, O); }

source(A) ::= RANGE(T) name(N) FROM expr(F) TO expr(E) STEP expr(S). [LOW] { A = named_from(ndk(p, A_RANGE, T, 3, F, E, S), N); }
source(A) ::= PRINT(T) assigns(L). [LOW] { A = ndk(p, A_PRINT, T, 0); A = L ? (L->kind = A_PRINT, startat(L, T)) : A; }
source(A) ::= UNION(T) opparams(P) legs(L). [LOW] { A = ndk(p, A_UNION, T, 1, P); if (A && L) { for (uint32_t i = 0; i < L->nkids; i++) A = push(p, A, L->kids[i]); } }
source(A) ::= DATATABLE(T) LP coldecls(S) RP dtrows(R). [LOW] { A = ndk(p, A_DATATABLE, T, 2, S, R); }
source(A) ::= DATATABLE(T) LP coldecls(S) COMMA RP dtrows(R). [LOW] { A = ndk(p, A_DATATABLE, T, 2, S, R); }
source(A) ::= EXTERNALDATA(T) LP coldecls(S) RP dtrows(U). [LOW] { A = ndk(p, A_EXTERNALDATA, T, 3, S, U, NULL); }
source(A) ::= EXTERNALDATA(T) LP coldecls(S) RP dtrows(U) WITH LP props(W) RP(E). [LOW] { A = endat(ndk(p, A_EXTERNALDATA, T, 3, S, U, W), E); }
source(A) ::= SEARCH(T) opparams(P) searchin(I) expr(E). [LOW] { A = ndk(p, A_SEARCH, T, 3, P, I, E); }
source(A) ::= FIND(T) opparams(P) searchin(I) WHERE expr(E) findproj(J). [LOW] { A = ndk(p, A_FIND, T, 4, P, I, E, J); if (A && J && J->kind == A_STAR) { A->op = 1; A->kids[3] = NULL; } }
source(A) ::= FIND(T) opparams(P) searchin(I) expr(E) findproj(J). [LOW] { A = ndk(p, A_FIND, T, 4, P, I, E, J); if (A && J && J->kind == A_STAR) { A->op = 1; A->kids[3] = NULL; } }

dtrows(A) ::= LBRACKET(T) RBRACKET(E). { A = endat(nd(p, A_LIST, T), E); }
dtrows(A) ::= LBRACKET(T) dtvals(L) RBRACKET(E). { A = endat(L, E); A = startat(A, T); }
dtrows(A) ::= LBRACKET(T) dtvals(L) COMMA RBRACKET(E). { A = endat(L, E); A = startat(A, T); }
dtrows(A) ::= BRACKETNAME(T). { A = ndk(p, A_LIST, T, 1, mk_string(p, unbracket(p, T))); }
dtvals(A) ::= expr(E). { A = ndn(p, A_LIST, 1, E); }
dtvals(A) ::= dtvals(L) COMMA expr(E). { A = push(p, L, E); }

searchin(A) ::= . [LOW] { A = NULL; }
searchin(A) ::= INOP(T) LP legs(L) RP(E). [LOW] { A = endat(L, E); A = startat(A, T); if (T.sub != OP_IN) parse_syntax_error(p, TK_INOP, T, NULL, 0); }

findproj(A) ::= . [LOW] { A = NULL; }
findproj(A) ::= PROJECT assigns(L). [LOW] { A = L; }
findproj(A) ::= PROJECT_SMART(T). [LOW] { A = nd(p, A_STAR, T); }

/* ---- tabular operators ----------------------------------------------- */

tabop(A) ::= WHERE(T) expr(E). [LOW] { A = ndk(p, A_WHERE, T, 1, E); }
tabop(A) ::= FILTER(T) expr(E). [LOW] { A = ndk(p, A_WHERE, T, 1, E); }
tabop(A) ::= EXTEND(T) assigns(L). [LOW] { A = L; if (A) A->kind = A_EXTEND; A = startat(A, T); }
tabop(A) ::= PROJECT(T) assigns(L). [LOW] { A = L; if (A) A->kind = A_PROJECT; A = startat(A, T); }
tabop(A) ::= PROJECT_AWAY(T) namepats(L). [LOW] { A = L; if (A) A->kind = A_PROJECT_AWAY; A = startat(A, T); }
tabop(A) ::= PROJECT_KEEP(T) namepats(L). [LOW] { A = L; if (A) A->kind = A_PROJECT_KEEP; A = startat(A, T); }
tabop(A) ::= PROJECT_RENAME(T) assigns(L). [LOW] { A = mk_project_rename(p, T, L); }
tabop(A) ::= PROJECT_REORDER(T) namepats(L). [LOW] { A = L; if (A) A->kind = A_PROJECT_REORDER; A = startat(A, T); }
tabop(A) ::= SUMMARIZE(T) hintparams(P) assigns(L). [LOW] { A = ndk(p, A_SUMMARIZE, T, 3, P, L, NULL); }
tabop(A) ::= SUMMARIZE(T) hintparams(P) assigns(L) BY assigns(B). [LOW] { A = ndk(p, A_SUMMARIZE, T, 3, P, L, B); }
tabop(A) ::= SUMMARIZE(T) hintparams(P) BY assigns(B). [LOW] { A = ndk(p, A_SUMMARIZE, T, 3, P, nd(p, A_LIST, T), B); }
tabop(A) ::= SORT(T) BY sortkeys(L). [LOW] { A = L; if (A) A->kind = A_SORT; A = startat(A, T); }
tabop(A) ::= ORDER(T) BY sortkeys(L). [LOW] { A = L; if (A) A->kind = A_SORT; A = startat(A, T); }
tabop(A) ::= TOP(T) expr(N) BY sortkeys(L). [LOW] { A = ndk(p, A_TOP, T, 1, N); if (A && L) { for (uint32_t i = 0; i < L->nkids; i++) A = push(p, A, L->kids[i]); } }
tabop(A) ::= TAKE(T) expr(E). [LOW] { A = ndk(p, A_TAKE, T, 1, E); }
tabop(A) ::= LIMIT(T) expr(E). [LOW] { A = ndk(p, A_TAKE, T, 1, E); }
tabop(A) ::= DISTINCT(T) assigns(L). [LOW] { A = L; if (A) A->kind = A_DISTINCT; A = startat(A, T); }
tabop(A) ::= DISTINCT(T) STAR(S). [LOW] { A = ndk(p, A_DISTINCT, T, 1, nd(p, A_STAR, S)); }
tabop(A) ::= COUNT(T). [LOW] { A = nd(p, A_COUNT, T); }
tabop(A) ::= RENDER(T) name(C). [LOW] { A = mk_render(p, T, C, NULL); }
tabop(A) ::= RENDER(T) name(C) WITH LP props(L) RP(E). [LOW] { A = endat(mk_render(p, T, C, L), E); }
tabop(A) ::= MV_EXPAND(T) opparams(P) mvitems(L) mvlimit(M). [LOW] { A = ndk(p, A_MV_EXPAND, T, 3, P, L, M); }
tabop(A) ::= MV_APPLY(T) opparams(P) mvitems(L) mvlimit(M) ON LP subpipe(S) RP(E). [LOW] { A = endat(ndk(p, A_MV_APPLY, T, 4, P, L, M, S), E); }
tabop(A) ::= PARSE(T) opparams(P) expr(E) WITH pattern(L). [LOW] { A = ndk(p, A_PARSE, T, 2, P, E); if (A && L) { for (uint32_t i = 0; i < L->nkids; i++) A = push(p, A, L->kids[i]); } }
tabop(A) ::= PARSE_WHERE(T) opparams(P) expr(E) WITH pattern(L). [LOW] { A = with_op(ndk(p, A_PARSE, T, 2, P, E), 1); if (A && L) { for (uint32_t i = 0; i < L->nkids; i++) A = push(p, A, L->kids[i]); } }
tabop(A) ::= MAKE_SERIES(T) opparams(P) msaggs(L) ON expr(X) msrange(R) msby(B). [LOW] { A = ndk(p, A_MAKE_SERIES, T, 7, P, L, X, R ? R->kids[0] : NULL, R ? R->kids[1] : NULL, R ? R->kids[2] : NULL, B); }
tabop(A) ::= EVALUATE(T) opparams(P) name(N) LP RP(E). [LOW] { A = ndk(p, A_EVALUATE, T, 2, P, mk_call(p, N, NULL, E)); }
tabop(A) ::= EVALUATE(T) opparams(P) name(N) LP args(L) RP(E). [LOW] { A = ndk(p, A_EVALUATE, T, 2, P, mk_call(p, N, L, E)); }
tabop(A) ::= INVOKE(T) name(N) LP RP(E). [LOW] { A = ndk(p, A_INVOKE, T, 1, mk_call(p, N, NULL, E)); }
tabop(A) ::= INVOKE(T) name(N) LP args(L) RP(E). [LOW] { A = ndk(p, A_INVOKE, T, 1, mk_call(p, N, L, E)); }
tabop(A) ::= AS(T) opparams(P) name(N). [LOW] { A = cover(named_from(ndk(p, A_AS, T, 1, P), N), N); }
tabop(A) ::= SERIALIZE(T). [LOW] { A = nd(p, A_SERIALIZE, T); }
tabop(A) ::= SERIALIZE(T) assigns(L). [LOW] { A = L; if (A) A->kind = A_SERIALIZE; A = startat(A, T); }
tabop(A) ::= SAMPLE(T) expr(E). [LOW] { A = ndk(p, A_SAMPLE, T, 1, E); }
tabop(A) ::= SAMPLE_DISTINCT(T) expr(N) OF expr(E). [LOW] { A = ndk(p, A_SAMPLE_DISTINCT, T, 2, N, E); }
tabop(A) ::= SEARCH(T) opparams(P) searchin(I) expr(E). [LOW] { A = ndk(p, A_SEARCH, T, 3, P, I, E); }
tabop(A) ::= GETSCHEMA(T). [LOW] { A = nd(p, A_GETSCHEMA, T); }
tabop(A) ::= UNION(T) opparams(P) legs(L). [LOW] { A = ndk(p, A_UNION, T, 1, P); if (A && L) { for (uint32_t i = 0; i < L->nkids; i++) A = push(p, A, L->kids[i]); } }
tabop(A) ::= JOIN(T) opparams(P) joinright(R) ON exprs(L). [LOW] { A = ndk(p, A_JOIN, T, 3, P, R, L); }
tabop(A) ::= LOOKUP(T) opparams(P) joinright(R) ON exprs(L). [LOW] { A = ndk(p, A_LOOKUP, T, 3, P, R, L); }
tabop(A) ::= TOP_NESTED tnclauses(L). [LOW] { A = L; }
tabop(A) ::= PARTITION(T) opparams(P) BY name(N) LP subpipe(S) RP(E). [LOW] { A = endat(ndk(p, A_PARTITION, T, 3, P, N, S), E); }
tabop(A) ::= PARTITION(T) opparams(P) BY name(N) LBRACE pipe(S) RBRACE(E). [LOW] { A = endat(ndk(p, A_PARTITION, T, 3, P, N, S), E); }

/* operator parameters: kind=inner hint.strategy=broadcast isfuzzy=true */
opparams(A) ::= . { A = NULL; }
opparams(A) ::= opparams(L) PARAMNAME(T) EQ paramval(V). { A = push(p, L ? L : nd(p, A_LIST, T), named(p, ndk(p, A_OPPARAM, T, 1, V), T)); }
opparams(A) ::= opparams(L) HINTNAME(T) EQ paramval(V). { A = push(p, L ? L : nd(p, A_LIST, T), named(p, ndk(p, A_OPPARAM, T, 1, V), T)); }
hintparams(A) ::= . { A = NULL; }
hintparams(A) ::= hintparams(L) HINTNAME(T) EQ paramval(V). { A = push(p, L ? L : nd(p, A_LIST, T), named(p, ndk(p, A_OPPARAM, T, 1, V), T)); }
paramval(A) ::= name(N). { A = N; }
paramval(A) ::= literal(L). { A = L; }

legs(A) ::= leg(L). { A = ndn(p, A_LIST, 1, L); }
legs(A) ::= legs(L) COMMA leg(G). { A = push(p, L, G); }
leg(A) ::= name(N). { A = N; }
leg(A) ::= name(N) STAR(S). { A = mk_namepat(p, N, 2, &S); }
leg(A) ::= LP(T) pipe(E) RP(R). { A = endat(ndk(p, A_PAREN, T, 1, E), R); }
leg(A) ::= name(N) LP RP(E). { A = mk_call(p, N, NULL, E); }
leg(A) ::= name(N) LP args(L) RP(E). { A = mk_call(p, N, L, E); }

joinright(A) ::= leg(L). { A = L; }

assigns(A) ::= assign(E). { A = ndn(p, A_LIST, 1, E); }
assigns(A) ::= assigns(L) COMMA assign(E). { A = push(p, L, E); }
assign(A) ::= expr(E). { A = E; }
assign(A) ::= name(N) EQ expr(E). { A = mk_assign(p, N, E); }
assign(A) ::= LP(T) names2(L) RP EQ expr(E). { A = ndk(p, A_TUPLE_ASSIGN, T, 2, L, E); }
names2(A) ::= name(X) COMMA name(Y). { A = ndn(p, A_LIST, 2, X, Y); }
names2(A) ::= names2(L) COMMA name(N). { A = push(p, L, N); }

exprs(A) ::= expr(E). { A = ndn(p, A_LIST, 1, E); }
exprs(A) ::= exprs(L) COMMA expr(E). { A = push(p, L, E); }

namepats(A) ::= namepat(N). { A = ndn(p, A_LIST, 1, N); }
namepats(A) ::= namepats(L) COMMA namepat(N). { A = push(p, L, N); }
namepat(A) ::= name(N). { A = mk_namepat(p, N, 0, NULL); }
namepat(A) ::= name(N) STAR(S). { A = mk_namepat(p, N, 2, &S); }
namepat(A) ::= STAR(S) name(N). { A = mk_namepat(p, N, 1, &S); }
namepat(A) ::= STAR(S) name(N) STAR(E). { A = endat(mk_namepat(p, N, 3, &S), E); }
namepat(A) ::= STAR(S). { A = mk_namepat(p, NULL, 1, &S); }
namepat(A) ::= namepat(N) ASC(T). { A = endat(with_op(N, N ? N->op | 4 : 0), T); }
namepat(A) ::= namepat(N) DESC(T). { A = endat(with_op(N, N ? N->op | 8 : 0), T); }

sortkeys(A) ::= sortkey(K). { A = ndn(p, A_LIST, 1, K); }
sortkeys(A) ::= sortkeys(L) COMMA sortkey(K). { A = push(p, L, K); }
sortkey(A) ::= expr(E) sortdir(D) sortnulls(N). { A = endat(with_op(ndn(p, A_SORTKEY, 1, E), D | N), p->prev); }
%type sortdir {int}
sortdir(A) ::= . { A = 0; }
sortdir(A) ::= ASC. { A = SORT_ASC; }
sortdir(A) ::= DESC. { A = SORT_DESC; }
%type sortnulls {int}
sortnulls(A) ::= . { A = 0; }
sortnulls(A) ::= NULLS FIRST. { A = SORT_NULLS_FIRST; }
sortnulls(A) ::= NULLS LAST. { A = SORT_NULLS_LAST; }

props(A) ::= prop(P). { A = ndn(p, A_LIST, 1, P); }
props(A) ::= props(L) COMMA prop(P). { A = push(p, L, P); }
props(A) ::= props(L) COMMA expr(V). { A = L; if (A && A->nkids) push(p, A->kids[A->nkids - 1], V); }
prop(A) ::= name(N) EQ expr(V). { A = ndnm(p, A_PROP, N, 1, V); }

mvitems(A) ::= mvitem(I). { A = ndn(p, A_LIST, 1, I); }
mvitems(A) ::= mvitems(L) COMMA mvitem(I). { A = push(p, L, I); }
mvitem(A) ::= assign(E). { A = ndn(p, A_MVITEM, 2, E, NULL); }
mvitem(A) ::= assign(E) TO TYPEOF LP type(T) RP(R). { A = endat(ndn(p, A_MVITEM, 2, E, T), R); }
mvlimit(A) ::= . [LOW] { A = NULL; }
mvlimit(A) ::= LIMIT expr(E). [LOW] { A = E; }

pattern(A) ::= pitem(I). { A = ndn(p, A_LIST, 1, I); }
pattern(A) ::= pattern(L) pitem(I). { A = push(p, L, I); }
pitem(A) ::= STAR(S). { A = nd(p, A_STAR, S); }
pitem(A) ::= string(S). [LOW] { A = S; }
pitem(A) ::= name(N). { A = ndnm(p, A_PCAPTURE, N, 0); }
pitem(A) ::= name(N) COLON type(T). { A = ndnm(p, A_PCAPTURE, N, 1, T); }

msaggs(A) ::= msagg(G). { A = ndn(p, A_LIST, 1, G); }
msaggs(A) ::= msaggs(L) COMMA msagg(G). { A = push(p, L, G); }
msagg(A) ::= assign(E). { A = ndn(p, A_MSAGG, 2, E, NULL); }
msagg(A) ::= assign(E) DEFAULT EQ expr(D). { A = ndn(p, A_MSAGG, 2, E, D); }
/* msrange carries [from?, to?, step] in a LIST. */
msrange(A) ::= FROM(T) expr(F) TO expr(E) STEP expr(S). { A = ndk(p, A_LIST, T, 3, F, E, S); }
msrange(A) ::= FROM(T) expr(F) STEP expr(S). { A = ndk(p, A_LIST, T, 3, F, NULL, S); }
msrange(A) ::= TO(T) expr(E) STEP expr(S). { A = ndk(p, A_LIST, T, 3, NULL, E, S); }
msrange(A) ::= STEP(T) expr(S). { A = ndk(p, A_LIST, T, 3, NULL, NULL, S); }
msby(A) ::= . [LOW] { A = NULL; }
msby(A) ::= BY assigns(L). [LOW] { A = L; }

tnclauses(A) ::= tnclause(C). { A = ndn(p, A_TOP_NESTED, 1, C); }
tnclauses(A) ::= tnclauses(L) COMMA TOP_NESTED tnclause(C). { A = push(p, L, C); }
tnclause(A) ::= tnhead(H) BY assign(B) sortdir(D). { A = endat(with_op(push(p, H, B), D), p->prev); }
tnhead(A) ::= OF(T) assign(O) tnothers(X). { A = ndk(p, A_TNCLAUSE, T, 3, NULL, O, X); }
tnhead(A) ::= expr(N) OF assign(O) tnothers(X). { A = ndn(p, A_TNCLAUSE, 3, N, O, X); }
tnothers(A) ::= . { A = NULL; }
tnothers(A) ::= WITH OTHERS EQ expr(E). { A = E; }

/* ---- expressions ----------------------------------------------------- */

expr(A) ::= expr(L) OR expr(R). { A = with_op(ndn(p, A_BINARY, 2, L, R), OP_OR); }
expr(A) ::= expr(L) AND expr(R). { A = with_op(ndn(p, A_BINARY, 2, L, R), OP_AND); }
expr(A) ::= expr(L) CMP(T) expr(R). { A = with_op(ndn(p, A_BINARY, 2, L, R), T.sub); }
expr(A) ::= expr(L) STROP(T) expr(R). { A = with_op(ndn(p, A_BINARY, 2, L, R), T.sub); }
expr(A) ::= STAR(S) STROP(T) expr(R). { A = with_op(ndn(p, A_BINARY, 2, nd(p, A_STAR, S), R), T.sub); }
expr(A) ::= expr(L) INOP(T) LP inlist(I) RP(E). { A = endat(with_op(ndn(p, A_IN, 1, L), T.sub), E); if (A && I) { for (uint32_t i = 0; i < I->nkids; i++) A = push(p, A, I->kids[i]); } }
expr(A) ::= expr(L) BETWEEN(T) LP expr(X) DOTDOT expr(Y) RP(E). { A = endat(with_op(ndn(p, A_BETWEEN, 3, L, X, Y), T.sub), E); }
expr(A) ::= expr(L) PLUS expr(R). { A = with_op(ndn(p, A_BINARY, 2, L, R), OP_ADD); }
expr(A) ::= expr(L) MINUS expr(R). { A = with_op(ndn(p, A_BINARY, 2, L, R), OP_SUB); }
expr(A) ::= expr(L) STAR expr(R). { A = with_op(ndn(p, A_BINARY, 2, L, R), OP_MUL); }
expr(A) ::= expr(L) SLASH expr(R). { A = with_op(ndn(p, A_BINARY, 2, L, R), OP_DIV); }
expr(A) ::= expr(L) PERCENT expr(R). { A = with_op(ndn(p, A_BINARY, 2, L, R), OP_MOD); }
expr(A) ::= MINUS(T) expr(E). [UNARY] { A = with_op(ndk(p, A_UNARY, T, 1, E), OP_NEG); }
expr(A) ::= PLUS(T) expr(E). [UNARY] { A = with_op(ndk(p, A_UNARY, T, 1, E), OP_POS); }
expr(A) ::= expr(L) DOT name(N). { A = cover(named_from(ndn(p, A_MEMBER, 1, L), N), N); }
expr(A) ::= expr(L) BRACKETNAME(T). { A = mk_bracket_member(p, L, T); }
expr(A) ::= expr(L) LBRACKET expr(I) RBRACKET(E). { A = mk_index(p, L, I, E); }
expr(A) ::= expr(L) DOT LBRACKET expr(I) RBRACKET(E). { A = mk_index(p, L, I, E); }
expr(A) ::= expr(L) DOT name(N) LP RP(E). { A = mk_method(p, L, N, NULL, E); }
expr(A) ::= expr(L) DOT name(N) LP args(G) RP(E). { A = mk_method(p, L, N, G, E); }
expr(A) ::= name(N). { A = N; }
expr(A) ::= literal(L). { A = L; }
expr(A) ::= name(N) LP RP(E). { A = mk_call(p, N, NULL, E); }
expr(A) ::= name(N) LP args(L) RP(E). { A = mk_call(p, N, L, E); }
expr(A) ::= RANGE(T) LP args(L) RP(E). { A = mk_call(p, mk_name(p, T), L, E); }
expr(A) ::= LP(T) pipe(E) RP(R). { A = endat(ndk(p, A_PAREN, T, 1, E), R); }

inlist(A) ::= pipe(E). { A = ndn(p, A_LIST, 1, E); }
inlist(A) ::= inlist(L) COMMA pipe(E). { A = push(p, L, E); }

args(A) ::= arg(E). { A = ndn(p, A_LIST, 1, E); }
args(A) ::= args(L) COMMA arg(E). { A = push(p, L, E); }
arg(A) ::= pipe(E). { A = E; }
arg(A) ::= STAR(S). { A = nd(p, A_STAR, S); }
arg(A) ::= name(N) EQ expr(E). { A = ndnm(p, A_NAMEDARG, N, 1, E); }

name(A) ::= ID(T). { A = mk_name(p, T); }
name(A) ::= BRACKETNAME(T). { A = mk_name(p, T); }

literal(A) ::= string(S). [LOW] { A = S; }
literal(A) ::= LONG(T). { A = mk_literal(p, TK_LONG, T); }
literal(A) ::= REAL(T). { A = mk_literal(p, TK_REAL, T); }
literal(A) ::= TIMESPAN(T). { A = mk_literal(p, TK_TIMESPAN, T); }
literal(A) ::= TYPEDLIT(T). { A = mk_literal(p, TK_TYPEDLIT, T); }
literal(A) ::= DYNLIT(T). { A = mk_literal(p, TK_DYNLIT, T); }
literal(A) ::= TRUE(T). { A = mk_literal(p, TK_TRUE, T); }
literal(A) ::= FALSE(T). { A = mk_literal(p, TK_FALSE, T); }

string(A) ::= STRING(T). { A = mk_string(p, T); }
string(A) ::= string(S) STRING(T). { A = mk_string_cat(p, S, T); }
