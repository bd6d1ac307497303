/* lex_names.c -- how tokens and operators are named in messages and in
 * printed queries. */
#include "kql.h"
#include "lex.h"

const char *lex_op_text(int op)
{
	static const char *const text[OP_COUNT_] = {
		[OP_EQ] = "==", [OP_NE] = "!=", [OP_LT] = "<", [OP_LE] = "<=",
		[OP_GT] = ">", [OP_GE] = ">=", [OP_EQ_CI] = "=~", [OP_NE_CI] = "!~",
		[OP_HAS] = "has", [OP_NHAS] = "!has", [OP_HAS_CS] = "has_cs", [OP_NHAS_CS] = "!has_cs",
		[OP_HASPREFIX] = "hasprefix", [OP_NHASPREFIX] = "!hasprefix",
		[OP_HASPREFIX_CS] = "hasprefix_cs", [OP_NHASPREFIX_CS] = "!hasprefix_cs",
		[OP_HASSUFFIX] = "hassuffix", [OP_NHASSUFFIX] = "!hassuffix",
		[OP_HASSUFFIX_CS] = "hassuffix_cs", [OP_NHASSUFFIX_CS] = "!hassuffix_cs",
		[OP_CONTAINS] = "contains", [OP_NCONTAINS] = "!contains",
		[OP_CONTAINS_CS] = "contains_cs", [OP_NCONTAINS_CS] = "!contains_cs",
		[OP_STARTSWITH] = "startswith", [OP_NSTARTSWITH] = "!startswith",
		[OP_STARTSWITH_CS] = "startswith_cs", [OP_NSTARTSWITH_CS] = "!startswith_cs",
		[OP_ENDSWITH] = "endswith", [OP_NENDSWITH] = "!endswith",
		[OP_ENDSWITH_CS] = "endswith_cs", [OP_NENDSWITH_CS] = "!endswith_cs",
		[OP_MATCHES] = "matches regex", [OP_LIKE] = "like", [OP_NLIKE] = "notlike",
		[OP_IN] = "in", [OP_NIN] = "!in", [OP_IN_CI] = "in~", [OP_NIN_CI] = "!in~",
		[OP_HAS_ANY] = "has_any", [OP_HAS_ALL] = "has_all",
		[OP_BETWEEN] = "between", [OP_NBETWEEN] = "!between",
		[OP_ADD] = "+", [OP_SUB] = "-", [OP_MUL] = "*", [OP_DIV] = "/", [OP_MOD] = "%",
		[OP_NEG] = "-", [OP_POS] = "+", [OP_AND] = "and", [OP_OR] = "or",
	};
	if (op <= 0 || op >= OP_COUNT_ || !text[op])
		return "?";
	return text[op];
}

const char *lex_token_desc(int code)
{
	switch (code) {
	case 0: return "end of query";
	case TK_ILLEGAL: return "an invalid token";
	case TK_ID: return "a name";
	case TK_BRACKETNAME: return "a ['quoted name']";
	case TK_PARAMNAME: return "a parameter name";
	case TK_HINTNAME: return "a hint";
	case TK_STRING: return "a string";
	case TK_LONG: return "a number";
	case TK_REAL: return "a real number";
	case TK_TIMESPAN: return "a timespan";
	case TK_TYPEDLIT: return "a typed literal";
	case TK_DYNLIT: return "a dynamic literal";
	case TK_PIPE: return "'|'";
	case TK_SEMI: return "';'";
	case TK_COMMA: return "','";
	case TK_LP: return "'('";
	case TK_RP: return "')'";
	case TK_LBRACKET: return "'['";
	case TK_RBRACKET: return "']'";
	case TK_LBRACE: return "'{'";
	case TK_RBRACE: return "'}'";
	case TK_DOT: return "'.'";
	case TK_DOTDOT: return "'..'";
	case TK_COLON: return "':'";
	case TK_EQ: return "'='";
	case TK_PLUS: return "'+'";
	case TK_MINUS: return "'-'";
	case TK_STAR: return "'*'";
	case TK_SLASH: return "'/'";
	case TK_PERCENT: return "'%'";
	case TK_CMP: return "a comparison";
	case TK_STROP: return "a string operator";
	case TK_INOP: return "'in'";
	case TK_BETWEEN: return "'between'";
	case TK_AND: return "'and'";
	case TK_OR: return "'or'";
	case TK_TRUE: return "'true'";
	case TK_FALSE: return "'false'";
	case TK_BY: return "'by'";
	case TK_ON: return "'on'";
	case TK_WITH: return "'with'";
	case TK_OF: return "'of'";
	case TK_TO: return "'to'";
	case TK_FROM: return "'from'";
	case TK_STEP: return "'step'";
	case TK_TYPEOF: return "'typeof'";
	case TK_DEFAULT: return "'default'";
	case TK_NULLS: return "'nulls'";
	case TK_FIRST: return "'first'";
	case TK_LAST: return "'last'";
	case TK_ASC: return "'asc'";
	case TK_DESC: return "'desc'";
	case TK_OTHERS: return "'others'";
	case TK_LET: return "'let'";
	case TK_QUERY_PARAMETERS: return "'query_parameters'";
	default: return "a keyword";
	}
}
