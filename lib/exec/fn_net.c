/* fn_net.c -- IP addresses, URLs, paths, command lines, hashes, and a few
 * small functions the detections use: ipv4_is_private, ipv4_is_in_range,
 * ipv4_is_in_any_range, ipv4_is_match, ipv4_compare, ipv4_netmask_suffix,
 * parse_ipv4, parse_ipv4_mask, format_ipv4, format_ipv4_mask,
 * ipv4_range_to_cidr_list, ipv6_compare, ipv6_is_match, ipv6_is_in_range,
 * ipv6_is_in_any_range, parse_ipv6, parse_ipv6_mask, parse_url,
 * parse_urlquery, parse_path, parse_command_line, parse_csv, parse_xml,
 * hash, hash_xxhash64, has_any_index, zip, around, new_guid and
 * base64_decode_toarray.
 *
 * Semantics (Kusto's docs where they say; the choices are marked):
 * - IP text that does not parse gives null (format_* give ""). IPv4 text
 *   is four decimal octets with an optional "/prefix" (0..32); the
 *   prefix and the optional prefix argument combine by taking the
 *   smaller. IPv6 functions accept IPv4 text too, as ::ffff:a.b.c.d
 *   (its prefix plus 96).
 * - parse_url needs an absolute URL (scheme://...); anything else gives
 *   the bag with every part "" (choice: Kusto's .NET Uri fails the same
 *   way). Path keeps its leading "/" (as .NET's Uri.AbsolutePath; the
 *   docs' example shows it without). Query parameter keys and values are
 *   URL-decoded ('+' is a space); a repeated key keeps its first value.
 * - parse_path: RootPath is a drive ("C:"); DirectoryPath is everything
 *   before the last '/' or '\'; an alternate data stream is the part of
 *   the file name after a ':'.
 * - parse_command_line(cmd, "windows") follows CommandLineToArgvW: the
 *   first argument ends at the closing quote or the first blank, with no
 *   escapes; after it 2n backslashes and a quote give n backslashes and
 *   toggle quoting, 2n+1 give n and a literal quote, "" inside quotes is
 *   a literal quote. Other parsers are an error.
 * - hash(x[, mod]) / hash_xxhash64: XXH64 with seed 0 of the value's
 *   bytes: a string's UTF-8, a long/datetime/timespan's 8 little-endian
 *   bytes (verified against the docs' datetime example), an int's 4,
 *   a real's 8 IEEE bytes, a bool's 1, a guid's 16 bytes in the engine's
 *   (RFC) order (.NET hashes Guid.ToByteArray's mixed-endian order: may
 *   differ), a dynamic value's JSON text (choice). With mod: the unsigned
 *   hash modulo mod (mod <= 0: null).
 * - parse_xml converts as Json.NET's SerializeXmlNode does (what Kusto
 *   uses): an element is a key, attributes "@name", text "#text" beside
 *   attributes or child elements (else the element is its text), repeated
 *   children an array, an empty element null, the declaration "?xml".
 *   Text that is not well-formed XML gives null. No DTDs; entities are
 *   the five predefined ones and &#N; / &#xN;. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <xxhash.h>

#include "agg_int.h"
#include "dyn.h"
#include "exec.h"
#include "types.h"

#define UNUSED_CALL                                                                                \
	(void)call;                                                                                \
	(void)nargs

/* ---- Helpers --------------------------------------------------------------- */

static kstr sget(const vec *v, uint32_t r)
{
	kstr s = v_str(v, r);
	if (!s.p)
		s.p = "";
	return s;
}

/* a as a string vector (tostring's rules when it is not one). */
static bool str_arg(xctx *cx, const vec *a, const uint32_t *sel, uint32_t n, uint32_t rows, vec *tmp,
                    const vec **out)
{
	if (a->type == KQLITE_TYPE_STRING) {
		*out = a;
		return true;
	}
	if (!vec_cast(cx, a, KQLITE_TYPE_STRING, sel, n, rows, tmp))
		return false;
	*out = tmp;
	return true;
}

static bool alloc_typed(xctx *cx, vec *out, uint8_t type, uint32_t rows, bool nulls)
{
	out->type = type;
	return vec_alloc(cx, out, rows, nulls);
}

/* Sets row i of a dynamic or string vector from a built strbuf. */
static bool set_sb(xctx *cx, vec *out, uint32_t i, strbuf *sb, const dyn_builder *b)
{
	if (sb->oom)
		return x_nomem(cx->q);
	if (b && b->failed)
		return x_error(cx->q, "dynamic value nested too deeply (more than %d levels)",
		               DYN_BUILD_DEPTH);
	return vec_set_str(cx, out, i, sb->s ? sb->s : "", sb->len);
}

/* The dynamic value of row i (NULL, 0 for null or a non-dynamic vector). */
static const uint8_t *dyn_at(const vec *v, uint32_t i, size_t *len)
{
	if (v->type != KQLITE_TYPE_DYNAMIC || v_null(v, i)) {
		*len = 0;
		return NULL;
	}
	kstr s = v_str(v, i);
	*len = s.n;
	return (const uint8_t *)s.p;
}

/* ---- IPv4 ------------------------------------------------------------------ */

/* "a.b.c.d" or "a.b.c.d/p" (p 0..32; 32 without). */
static bool ip4_parse(kstr s, uint32_t *addr, int *prefix)
{
	const char *p = s.p, *e = s.p + s.n;
	uint32_t a = 0;
	for (int k = 0; k < 4; k++) {
		if (k && (p >= e || *p++ != '.'))
			return false;
		int digits = 0;
		unsigned v = 0;
		while (p < e && *p >= '0' && *p <= '9' && digits < 4) {
			v = v * 10 + (unsigned)(*p++ - '0');
			digits++;
		}
		if (!digits || digits > 3 || v > 255)
			return false;
		a = a << 8 | v;
	}
	int pre = 32;
	if (p < e && *p == '/') {
		p++;
		int digits = 0;
		pre = 0;
		while (p < e && *p >= '0' && *p <= '9' && digits < 3) {
			pre = pre * 10 + (*p++ - '0');
			digits++;
		}
		if (!digits || pre > 32)
			return false;
	}
	if (p != e)
		return false;
	*addr = a;
	*prefix = pre;
	return true;
}

static uint32_t mask4(int prefix)
{
	return prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
}

/* A string IPv4 argument at row i (false: not parsable). */
static bool ip4_at(const vec *v, uint32_t i, uint32_t *addr, int *prefix)
{
	return ip4_parse(sget(v, i), addr, prefix);
}

/* An optional prefix argument (argument k): *ok false when null or out of
 * 0..max. Without the argument, max. */
static int prefix_arg(const vec *args, uint32_t nargs, uint32_t k, uint32_t i, int max, bool *ok)
{
	*ok = true;
	if (nargs <= k)
		return max;
	int64_t p;
	if (!vec_get_i64(&args[k], i, &p) || p < 0 || p > max) {
		*ok = false;
		return 0;
	}
	return (int)p;
}

/* Most IPv4 functions take strings: converts them once. */
#define STR_ARGS(cnt)                                                                              \
	vec tv_[cnt];                                                                              \
	const vec *sv[cnt];                                                                        \
	for (uint32_t a_ = 0; a_ < (cnt) && a_ < nargs; a_++)                                      \
		if (!str_arg(cx, &args[a_], sel, n, rows, &tv_[a_], &sv[a_]))                      \
			return false

static bool fn_ipv4_is_private(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                               const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	STR_ARGS(1);
	if (!alloc_typed(cx, out, KQLITE_TYPE_BOOL, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		uint32_t a;
		int p;
		if (!ip4_at(sv[0], i, &a, &p)) {
			out->nulls[i] = 1;
			continue;
		}
		out->d.b[i] = (a >> 24) == 10 || (a >> 20) == 0xac1 || (a >> 16) == 0xc0a8;
	}
	return true;
}

/* ipv4_compare(a, b[, prefix]) and ipv4_is_match: the masked addresses. */
static bool ip4_cmp_row(const vec *const *sv, const vec *args, uint32_t nargs, uint32_t i, int *cmp)
{
	uint32_t a, b;
	int pa, pb;
	bool ok;
	int p = prefix_arg(args, nargs, 2, i, 32, &ok);
	if (!ok || !ip4_at(sv[0], i, &a, &pa) || !ip4_at(sv[1], i, &b, &pb))
		return false;
	if (pa < p)
		p = pa;
	if (pb < p)
		p = pb;
	uint32_t m = mask4(p);
	a &= m;
	b &= m;
	*cmp = a < b ? -1 : a > b;
	return true;
}



/* Is a in the range text r ("a.b.c.d/p" or one address)? -1: bad text. */
static int ip4_in_range(uint32_t a, kstr r)
{
	uint32_t b;
	int p;
	if (!ip4_parse(r, &b, &p))
		return -1;
	uint32_t m = mask4(p);
	return (a & m) == (b & m);
}


/* The ranges of an *_is_in_any_range call at row i: each argument after
 * the first is a string or a dynamic array of strings (or a dynamic
 * string). fn is called per range text; it returns -1 (bad), 0 or 1.
 * The result: 1 when any range matched, -1 when one was bad, else 0. */
typedef int (*range_fn)(const void *addr, kstr r);

static int any_range(const vec *args, uint32_t nargs, uint32_t i, const void *addr, range_fn fn)
{
	for (uint32_t k = 1; k < nargs; k++) {
		const vec *v = &args[k];
		if (v->type == KQLITE_TYPE_STRING) {
			int r = fn(addr, sget(v, i));
			if (r)
				return r;
			continue;
		}
		size_t len;
		const uint8_t *d = dyn_at(v, i, &len);
		const char *s;
		size_t sn;
		if (!d)
			return -1;
		if (dyn_get_string(d, len, &s, &sn)) {
			int r = fn(addr, (kstr){s, sn});
			if (r)
				return r;
			continue;
		}
		dyn_iter it;
		if (!dyn_iter_init(&it, d, len))
			return -1;
		const uint8_t *e;
		size_t elen;
		while (dyn_iter_next(&it, NULL, NULL, &e, &elen)) {
			if (!dyn_get_string(e, elen, &s, &sn))
				return -1;
			int r = fn(addr, (kstr){s, sn});
			if (r)
				return r;
		}
	}
	return 0;
}

static int ip4_range_cb(const void *addr, kstr r)
{
	return ip4_in_range(*(const uint32_t *)addr, r);
}


static bool fn_ipv4_netmask_suffix(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                                   const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	STR_ARGS(1);
	if (!alloc_typed(cx, out, KQLITE_TYPE_LONG, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		uint32_t a;
		int p;
		if (ip4_at(sv[0], i, &a, &p))
			out->d.i[i] = p;
		else
			out->nulls[i] = 1;
	}
	return true;
}

/* parse_ipv4(ip) and parse_ipv4_mask(ip, prefix): the (masked) address as a long. */
static bool fn_parse_ipv4(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                          const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	STR_ARGS(1);
	if (!alloc_typed(cx, out, KQLITE_TYPE_LONG, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		uint32_t a;
		int p;
		bool ok;
		int q = prefix_arg(args, nargs, 1, i, 32, &ok);
		if (!ok || !ip4_at(sv[0], i, &a, &p)) {
			out->nulls[i] = 1;
			continue;
		}
		out->d.i[i] = a & mask4(p < q ? p : q);
	}
	return true;
}

/* An IPv4 argument of format_ipv4*: text, or a number (the address as a long). */
static bool ip4_any(const vec *v, uint32_t i, uint32_t *addr, int *prefix)
{
	if (v->type == KQLITE_TYPE_STRING)
		return ip4_at(v, i, addr, prefix);
	if (v->type == KQLITE_TYPE_DYNAMIC) {
		size_t len;
		const uint8_t *d = dyn_at(v, i, &len);
		const char *s;
		size_t sn;
		if (d && dyn_get_string(d, len, &s, &sn))
			return ip4_parse((kstr){s, sn}, addr, prefix);
	}
	int64_t x;
	if (!vec_get_i64(v, i, &x) || x < 0 || x > 0xffffffffLL)
		return false;
	*addr = (uint32_t)x;
	*prefix = 32;
	return true;
}

static bool format_ip4(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                       uint32_t rows, vec *out, bool with_mask)
{
	if (!alloc_typed(cx, out, KQLITE_TYPE_STRING, rows, false))
		return false;
	FOR_SEL(i, sel, n)
	{
		uint32_t a;
		int p;
		bool ok;
		int q = prefix_arg(args, nargs, 1, i, 32, &ok);
		if (!ok || !ip4_any(&args[0], i, &a, &p))
			continue;
		if (q < p)
			p = q;
		a &= mask4(p);
		char buf[24];
		int len = with_mask ? snprintf(buf, sizeof buf, "%u.%u.%u.%u/%d", a >> 24, (a >> 16) & 255,
		                               (a >> 8) & 255, a & 255, p)
		                    : snprintf(buf, sizeof buf, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
		                               (a >> 8) & 255, a & 255);
		if (!vec_set_str(cx, out, i, buf, (size_t)len))
			return false;
	}
	return true;
}

static bool fn_format_ipv4(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                           const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	return format_ip4(cx, args, nargs, sel, n, rows, out, false);
}

static bool fn_format_ipv4_mask(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                                const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	return format_ip4(cx, args, nargs, sel, n, rows, out, true);
}

/* ipv4_range_to_cidr_list(start, end): the fewest CIDR blocks covering it. */
static bool fn_ipv4_range_to_cidr_list(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                                       const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	STR_ARGS(2);
	if (!alloc_typed(cx, out, KQLITE_TYPE_DYNAMIC, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		uint32_t a, b;
		int pa, pb;
		if (!ip4_at(sv[0], i, &a, &pa) || !ip4_at(sv[1], i, &b, &pb) || a > b)
			continue;
		sb.len = 0;
		dyn_builder db;
		dynb_init(&db, &sb);
		dynb_begin_array(&db);
		uint64_t cur = a, end = b;
		while (cur <= end) {
			int bits = 0; /* the largest block aligned at cur that fits */
			while (bits < 32 && (cur & ((UINT64_C(1) << (bits + 1)) - 1)) == 0 &&
			       cur + (UINT64_C(1) << (bits + 1)) - 1 <= end)
				bits++;
			char buf[24];
			uint32_t c = (uint32_t)cur;
			int len = snprintf(buf, sizeof buf, "%u.%u.%u.%u/%d", c >> 24, (c >> 16) & 255,
			                   (c >> 8) & 255, c & 255, 32 - bits);
			dynb_string(&db, buf, (size_t)len);
			cur += UINT64_C(1) << bits;
		}
		dynb_end(&db);
		if (!(ok = set_sb(cx, out, i, &sb, &db)))
			break;
	}
	sb_free(&sb);
	return ok;
}

/* ---- IPv6 ------------------------------------------------------------------ */

/* IPv6 text with an optional "/p" (0..128), or IPv4 text as ::ffff:a.b.c.d. */
static bool ip6_parse(kstr s, uint8_t out[16], int *prefix)
{
	uint32_t a4;
	int p4;
	if (ip4_parse(s, &a4, &p4)) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		for (int k = 0; k < 4; k++)
			out[12 + k] = (uint8_t)(a4 >> (24 - 8 * k));
		*prefix = p4 + 96;
		return true;
	}
	const char *p = s.p, *e = s.p + s.n;
	const char *slash = memchr(p, '/', s.n);
	int pre = 128;
	if (slash) {
		const char *q = slash + 1;
		if (q == e || e - q > 3)
			return false;
		pre = 0;
		for (; q < e; q++) {
			if (*q < '0' || *q > '9')
				return false;
			pre = pre * 10 + (*q - '0');
		}
		if (pre > 128)
			return false;
		e = slash;
	}
	uint16_t g[8];
	int ng = 0, gap = -1;
	if (e - p >= 2 && p[0] == ':' && p[1] == ':') {
		gap = 0;
		p += 2;
	} else if (p < e && *p == ':')
		return false;
	while (p < e) {
		/* a trailing dotted IPv4 part */
		const char *dot = NULL;
		for (const char *q = p; q < e && *q != ':'; q++)
			if (*q == '.')
				dot = q;
		if (dot) {
			uint32_t v;
			int vp;
			if (ng > 6 || !ip4_parse((kstr){p, (size_t)(e - p)}, &v, &vp) || vp != 32)
				return false;
			g[ng++] = (uint16_t)(v >> 16);
			g[ng++] = (uint16_t)v;
			p = e;
			break;
		}
		int digits = 0;
		unsigned v = 0;
		while (p < e && digits < 5 && hex_digit(*p) >= 0) {
			v = v * 16 + (unsigned)hex_digit(*p++);
			digits++;
		}
		if (!digits || digits > 4 || ng >= 8)
			return false;
		g[ng++] = (uint16_t)v;
		if (p == e)
			break;
		if (*p != ':')
			return false;
		p++;
		if (p < e && *p == ':') {
			if (gap >= 0)
				return false;
			gap = ng;
			p++;
		} else if (p == e)
			return false;
	}
	if (gap < 0 ? ng != 8 : ng > 7)
		return false;
	uint16_t full[8] = {0};
	if (gap < 0)
		memcpy(full, g, sizeof g);
	else {
		for (int k = 0; k < gap; k++)
			full[k] = g[k];
		for (int k = gap; k < ng; k++)
			full[8 - (ng - k)] = g[k];
	}
	for (int k = 0; k < 8; k++) {
		out[2 * k] = (uint8_t)(full[k] >> 8);
		out[2 * k + 1] = (uint8_t)full[k];
	}
	*prefix = pre;
	return true;
}

static void mask6(uint8_t a[16], int prefix)
{
	for (int k = 0; k < 16; k++) {
		int bits = prefix - 8 * k;
		a[k] &= bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
	}
}

static bool ip6_cmp_row(const vec *const *sv, const vec *args, uint32_t nargs, uint32_t i, int *cmp)
{
	uint8_t a[16], b[16];
	int pa, pb;
	bool ok;
	int p = prefix_arg(args, nargs, 2, i, 128, &ok);
	if (!ok || !ip6_parse(sget(sv[0], i), a, &pa) || !ip6_parse(sget(sv[1], i), b, &pb))
		return false;
	if (pa < p)
		p = pa;
	if (pb < p)
		p = pb;
	mask6(a, p);
	mask6(b, p);
	int c = memcmp(a, b, 16);
	*cmp = c < 0 ? -1 : c > 0;
	return true;
}



static int ip6_range_cb(const void *addr, kstr r)
{
	uint8_t a[16], b[16];
	int p;
	if (!ip6_parse(r, b, &p))
		return -1;
	memcpy(a, addr, 16);
	mask6(a, p);
	mask6(b, p);
	return memcmp(a, b, 16) == 0;
}



/* parse_ipv6(ip), parse_ipv6_mask(ip, prefix): eight groups of four hex
 * digits ("0000:0000:0000:0000:0000:ffff:7f00:0001"), masked; "" when bad. */
static bool fn_parse_ipv6(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                          const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	STR_ARGS(1);
	if (!alloc_typed(cx, out, KQLITE_TYPE_STRING, rows, false))
		return false;
	FOR_SEL(i, sel, n)
	{
		uint8_t a[16];
		int p;
		bool ok;
		int q = prefix_arg(args, nargs, 1, i, 128, &ok);
		if (!ok || !ip6_parse(sget(sv[0], i), a, &p))
			continue;
		mask6(a, p < q ? p : q);
		char buf[40];
		for (int k = 0; k < 8; k++)
			snprintf(buf + 5 * k, 6, k < 7 ? "%02x%02x:" : "%02x%02x", a[2 * k], a[2 * k + 1]);
		if (!vec_set_str(cx, out, i, buf, 39))
			return false;
	}
	return true;
}

/* ---- URLs ------------------------------------------------------------------ */

/* Appends s percent-decoded ('+' as a space when plus). */
static void url_decode(strbuf *sb, const char *s, size_t n, bool plus)
{
	for (size_t k = 0; k < n; k++) {
		if (s[k] == '%' && k + 2 < n + 0 && hex_digit(s[k + 1]) >= 0 && hex_digit(s[k + 2]) >= 0) {
			sb_addc(sb, (char)(hex_digit(s[k + 1]) * 16 + hex_digit(s[k + 2])));
			k += 2;
		} else if (plus && s[k] == '+')
			sb_addc(sb, ' ');
		else
			sb_addc(sb, s[k]);
	}
}

/* Appends the object of a query string's parameters (k=v&k2=v2). */
static void query_bag(dyn_builder *b, const char *q, size_t qn, strbuf *scratch)
{
	dynb_begin_object(b);
	/* keys already written, as offsets into scratch (first wins) */
	size_t seen_off[64], seen_len[64];
	int nseen = 0;
	scratch->len = 0;
	const char *p = q, *e = q + qn;
	while (p < e) {
		const char *amp = memchr(p, '&', (size_t)(e - p));
		const char *end = amp ? amp : e;
		if (end > p) {
			const char *eq = memchr(p, '=', (size_t)(end - p));
			const char *kend = eq ? eq : end;
			size_t koff = scratch->len;
			url_decode(scratch, p, (size_t)(kend - p), true);
			size_t klen = scratch->len - koff;
			bool dup = false;
			/* scratch->s is NULL while nothing was added (empty keys) */
			for (int s = 0; s < nseen && !dup; s++)
				dup = seen_len[s] == klen && (klen == 0 || !memcmp(scratch->s + seen_off[s], scratch->s + koff, klen));
			if (!dup && !scratch->oom) {
				size_t voff = scratch->len;
				if (eq)
					url_decode(scratch, eq + 1, (size_t)(end - eq - 1), true);
				const char *base = scratch->s ? scratch->s : "";
				if (!scratch->oom) {
					dynb_key(b, base + koff, klen);
					dynb_string(b, base + voff, scratch->len - voff);
				}
				scratch->len = voff;
				if (nseen < 64) {
					seen_off[nseen] = koff;
					seen_len[nseen++] = klen;
				}
			} else
				scratch->len = koff;
		}
		p = end + 1;
	}
	dynb_end(b);
}

typedef struct url_parts {
	kstr scheme, host, port, path, user, pass, query, frag;
} url_parts;

/* Splits an absolute URL; false when there is no "scheme://". */
static bool url_split(kstr s, url_parts *u)
{
	memset(u, 0, sizeof *u);
	const char *p = s.p, *e = s.p + s.n;
	const char *q = p;
	if (q == e || !((*q | 32) >= 'a' && (*q | 32) <= 'z'))
		return false;
	while (q < e && (((*q | 32) >= 'a' && (*q | 32) <= 'z') || (*q >= '0' && *q <= '9') || *q == '+' ||
	                 *q == '-' || *q == '.'))
		q++;
	if (e - q < 3 || memcmp(q, "://", 3))
		return false;
	u->scheme = (kstr){p, (size_t)(q - p)};
	p = q + 3;
	const char *ae = p;
	while (ae < e && *ae != '/' && *ae != '?' && *ae != '#' && *ae != '\\')
		ae++;
	/* user info: up to the last '@' of the authority */
	const char *at = NULL;
	for (const char *k = p; k < ae; k++)
		if (*k == '@')
			at = k;
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		u->user = (kstr){p, (size_t)((colon ? colon : at) - p)};
		if (colon)
			u->pass = (kstr){colon + 1, (size_t)(at - colon - 1)};
		p = at + 1;
	}
	const char *he = ae;
	if (p < ae && *p == '[') {
		const char *rb = memchr(p, ']', (size_t)(ae - p));
		if (rb)
			he = rb + 1;
		if (he < ae && *he == ':')
			u->port = (kstr){he + 1, (size_t)(ae - he - 1)};
		else
			he = ae;
	} else {
		const char *colon = memchr(p, ':', (size_t)(ae - p));
		if (colon) {
			u->port = (kstr){colon + 1, (size_t)(ae - colon - 1)};
			he = colon;
		}
	}
	u->host = (kstr){p, (size_t)(he - p)};
	p = ae;
	const char *pe = p;
	while (pe < e && *pe != '?' && *pe != '#')
		pe++;
	u->path = (kstr){p, (size_t)(pe - p)};
	p = pe;
	if (p < e && *p == '?') {
		const char *qe = memchr(p, '#', (size_t)(e - p));
		if (!qe)
			qe = e;
		u->query = (kstr){p + 1, (size_t)(qe - p - 1)};
		p = qe;
	}
	if (p < e && *p == '#')
		u->frag = (kstr){p + 1, (size_t)(e - p - 1)};
	return true;
}

static void put_str(dyn_builder *b, const char *key, kstr v)
{
	dynb_key(b, key, strlen(key));
	dynb_string(b, v.p ? v.p : "", v.n);
}

/* The functions that build one dynamic value a row from the text of their
 * first argument share this frame: value() appends the row's value to b
 * (scratch is theirs; a false return means the error is set). */
typedef bool (*text_value)(xctx *cx, kstr text, dyn_builder *b, strbuf *scratch);

static bool per_row_value(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                          uint32_t rows, vec *out, text_value value)
{
	STR_ARGS(1);
	if (!alloc_typed(cx, out, KQLITE_TYPE_DYNAMIC, rows, false))
		return false;
	strbuf sb, scratch;
	sb_init(&sb);
	sb_init(&scratch);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		if (!(ok = value(cx, sget(sv[0], i), &b, &scratch)))
			break;
		if (scratch.oom) {
			ok = x_nomem(cx->q);
			break;
		}
		if (!(ok = set_sb(cx, out, i, &sb, &b)))
			break;
	}
	sb_free(&sb);
	sb_free(&scratch);
	return ok;
}

#define PER_ROW_VALUE(fn, value)                                                                   \
	static bool fn(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel, \
	               uint32_t n, uint32_t rows, vec *out)                                        \
	{                                                                                          \
		UNUSED_CALL;                                                                       \
		return per_row_value(cx, args, nargs, sel, n, rows, out, value);                   \
	}

static bool url_value(xctx *cx, kstr text, dyn_builder *b, strbuf *scratch)
{
	(void)cx;
	url_parts u;
	if (!url_split(text, &u))
		memset(&u, 0, sizeof u);
	dynb_begin_object(b);
	put_str(b, "Scheme", u.scheme);
	put_str(b, "Host", u.host);
	put_str(b, "Port", u.port);
	put_str(b, "Path", u.path);
	put_str(b, "Username", u.user);
	put_str(b, "Password", u.pass);
	dynb_key(b, "Query Parameters", 16);
	query_bag(b, u.query.p ? u.query.p : "", u.query.n, scratch);
	put_str(b, "Fragment", u.frag);
	dynb_end(b);
	return true;
}
PER_ROW_VALUE(fn_parse_url, url_value)

/* parse_urlquery(q): {"Query Parameters": {...}}; a leading '?' is skipped. */
static bool urlquery_value(xctx *cx, kstr q, dyn_builder *b, strbuf *scratch)
{
	(void)cx;
	if (q.n && q.p[0] == '?') {
		q.p++;
		q.n--;
	}
	dynb_begin_object(b);
	dynb_key(b, "Query Parameters", 16);
	query_bag(b, q.p, q.n, scratch);
	dynb_end(b);
	return true;
}
PER_ROW_VALUE(fn_parse_urlquery, urlquery_value)

/* ---- parse_path ------------------------------------------------------------ */

static bool path_value(xctx *cx, kstr s, dyn_builder *b, strbuf *scratch)
{
	(void)cx;
	(void)scratch;
	const char *p = s.p, *e = s.p + s.n;
	kstr scheme = {"", 0}, root = {"", 0}, dir = {"", 0}, dname = {"", 0}, file = {"", 0},
	     ext = {"", 0}, ads = {"", 0};
	/* "scheme://" */
	const char *q = p;
	while (q < e && (((*q | 32) >= 'a' && (*q | 32) <= 'z') || (*q >= '0' && *q <= '9')))
		q++;
	if (q - p >= 2 && e - q >= 3 && !memcmp(q, "://", 3)) {
		scheme = (kstr){p, (size_t)(q - p)};
		p = q + 3;
	}
	/* the drive, also after a long-path prefix \\?\ */
	const char *d = p;
	if (e - d >= 4 && (!memcmp(d, "\\\\?\\", 4) || !memcmp(d, "//?/", 4)))
		d += 4;
	if (e - d >= 2 && (((*d | 32) >= 'a' && (*d | 32) <= 'z')) && d[1] == ':')
		root = (kstr){d, 2};
	/* the last separator splits directory and file */
	const char *sep = NULL;
	for (const char *k = p; k < e; k++)
		if (*k == '/' || *k == '\\')
			sep = k;
	const char *fstart = sep ? sep + 1 : p;
	if (!sep && root.n && fstart == root.p)
		fstart = root.p + 2; /* "C:file" */
	if (sep) {
		const char *de = sep;
		/* keep the separator of a root ("C:\", "/") */
		if (de == p || (root.n && de == root.p + 2))
			de++;
		dir = (kstr){p, (size_t)(de - p)};
		const char *ds = sep;
		while (ds > p && ds[-1] != '/' && ds[-1] != '\\')
			ds--;
		if (!(root.n && ds == root.p && sep == root.p + 2))
			dname = (kstr){ds, (size_t)(sep - ds)};
	}
	const char *colon = memchr(fstart, ':', (size_t)(e - fstart));
	const char *fend = colon ? colon : e;
	file = (kstr){fstart, (size_t)(fend - fstart)};
	if (colon)
		ads = (kstr){colon + 1, (size_t)(e - colon - 1)};
	for (const char *k = fend; k > fstart; k--)
		if (k[-1] == '.') {
			ext = (kstr){k, (size_t)(fend - k)};
			break;
		}
	dynb_begin_object(b);
	put_str(b, "Scheme", scheme);
	put_str(b, "RootPath", root);
	put_str(b, "DirectoryPath", dir);
	put_str(b, "DirectoryName", dname);
	put_str(b, "Filename", file);
	put_str(b, "Extension", ext);
	put_str(b, "AlternateDataStreamName", ads);
	dynb_end(b);
	return true;
}
PER_ROW_VALUE(fn_parse_path, path_value)

/* ---- parse_command_line ---------------------------------------------------- */

static bool prep_command_line(xquery *q, xcall *call, const uint8_t *types, const vec *const *consts,
                              uint32_t nargs, diag *d, uint32_t span_off, uint32_t span_len)
{
	(void)q;
	(void)call;
	(void)types;
	if (nargs < 2 || !consts[1] || consts[1]->type != KQLITE_TYPE_STRING)
		return true;
	kstr p = sget(consts[1], 0);
	if (p.n == 7 && !strncasecmp(p.p, "windows", 7))
		return true;
	diag_set(d, KQLITE_ERROR, span_off, span_len,
	         "not supported yet: parse_command_line() parser '%.*s' (only \"windows\")", (int)p.n, p.p);
	return false;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Appends the arguments of a Windows command line (CommandLineToArgvW). */
static void argv_windows(dyn_builder *b, kstr s, strbuf *arg)
{
	const char *p = s.p, *e = s.p + s.n;
	while (p < e && is_blank(*p))
		p++;
	if (p == e)
		return;
	/* the program name: quotes delimit, no escapes */
	arg->len = 0;
	if (*p == '"') {
		const char *q = memchr(p + 1, '"', (size_t)(e - p - 1));
		const char *end = q ? q : e;
		sb_add(arg, p + 1, (size_t)(end - p - 1));
		p = q ? q + 1 : e;
	} else {
		const char *q = p;
		while (q < e && !is_blank(*q))
			q++;
		sb_add(arg, p, (size_t)(q - p));
		p = q;
	}
	dynb_string(b, arg->s ? arg->s : "", arg->len);
	for (;;) {
		while (p < e && is_blank(*p))
			p++;
		if (p == e)
			break;
		arg->len = 0;
		bool quoted = false;
		while (p < e && (quoted || !is_blank(*p))) {
			if (*p == '\\') {
				size_t bs = 0;
				while (p < e && *p == '\\') {
					bs++;
					p++;
				}
				if (p < e && *p == '"') {
					for (size_t k = 0; k < bs / 2; k++)
						sb_addc(arg, '\\');
					if (bs % 2) {
						sb_addc(arg, '"');
						p++;
					}
				} else
					for (size_t k = 0; k < bs; k++)
						sb_addc(arg, '\\');
			} else if (*p == '"') {
				p++;
				if (quoted && p < e && *p == '"') {
					sb_addc(arg, '"');
					p++;
				} else
					quoted = !quoted;
			} else
				sb_addc(arg, *p++);
		}
		dynb_string(b, arg->s ? arg->s : "", arg->len);
	}
}

static bool fn_parse_command_line(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                                  const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	STR_ARGS(2);
	if (!alloc_typed(cx, out, KQLITE_TYPE_DYNAMIC, rows, false))
		return false;
	strbuf sb, arg;
	sb_init(&sb);
	sb_init(&arg);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		if (args[0].type != KQLITE_TYPE_STRING && v_null(&args[0], i))
			continue;
		kstr parser = sget(sv[1], i);
		if (parser.n != 7 || strncasecmp(parser.p, "windows", 7)) {
			ok = x_error(cx->q, "not supported yet: parse_command_line() parser '%.*s' (only \"windows\")",
			             (int)parser.n, parser.p);
			break;
		}
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_array(&b);
		argv_windows(&b, sget(sv[0], i), &arg);
		dynb_end(&b);
		if (arg.oom) {
			ok = x_nomem(cx->q);
			break;
		}
		if (!(ok = set_sb(cx, out, i, &sb, &b)))
			break;
	}
	sb_free(&sb);
	sb_free(&arg);
	return ok;
}

/* ---- parse_csv ------------------------------------------------------------- */

/* The first record of CSV text as an array of strings ("" escapes a quote
 * inside a quoted field). */
static bool csv_value(xctx *cx, kstr s, dyn_builder *b, strbuf *scratch)
{
	(void)cx;
	const char *p = s.p, *e = s.p + s.n;
	dynb_begin_array(b);
	for (;;) {
		scratch->len = 0;
		if (p < e && *p == '"') {
			p++;
			while (p < e) {
				if (*p == '"') {
					if (p + 1 < e && p[1] == '"') {
						sb_addc(scratch, '"');
						p += 2;
						continue;
					}
					p++;
					break;
				}
				sb_addc(scratch, *p++);
			}
			/* text after the closing quote belongs to the field */
			while (p < e && *p != ',' && *p != '\n' && *p != '\r')
				sb_addc(scratch, *p++);
		} else
			while (p < e && *p != ',' && *p != '\n' && *p != '\r')
				sb_addc(scratch, *p++);
		dynb_string(b, scratch->s ? scratch->s : "", scratch->len);
		if (p < e && *p == ',') {
			p++;
			continue;
		}
		break;
	}
	dynb_end(b);
	return true;
}
PER_ROW_VALUE(fn_parse_csv, csv_value)

/* ---- parse_xml ------------------------------------------------------------- */

/* A small recursive-descent XML reader building Json.NET's shape. */
typedef struct xml_rd {
	const char *p, *e;
	strbuf *tmp; /* decoded text */
	int depth;
} xml_rd;

static void xml_ws(xml_rd *r)
{
	while (r->p < r->e && is_blank(*r->p))
		r->p++;
}

static bool xml_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == ':' || c == '-' || c == '.' || (unsigned char)c >= 0x80;
}

static bool xml_name(xml_rd *r, kstr *name)
{
	const char *s = r->p;
	if (s >= r->e || (*s >= '0' && *s <= '9') || *s == '-' || *s == '.')
		return false;
	while (r->p < r->e && xml_name_char(*r->p))
		r->p++;
	*name = (kstr){s, (size_t)(r->p - s)};
	return name->n > 0;
}

/* Appends text up to `stop` with entities decoded. */
static bool xml_text(xml_rd *r, char stop, strbuf *out)
{
	while (r->p < r->e && *r->p != stop) {
		if (*r->p == '<' && stop != '<')
			return false;
		if (*r->p != '&') {
			sb_addc(out, *r->p++);
			continue;
		}
		const char *semi = memchr(r->p, ';', (size_t)(r->e - r->p));
		if (!semi || semi - r->p > 12)
			return false;
		kstr ent = {r->p + 1, (size_t)(semi - r->p - 1)};
		if (ent.n == 2 && !memcmp(ent.p, "lt", 2))
			sb_addc(out, '<');
		else if (ent.n == 2 && !memcmp(ent.p, "gt", 2))
			sb_addc(out, '>');
		else if (ent.n == 3 && !memcmp(ent.p, "amp", 3))
			sb_addc(out, '&');
		else if (ent.n == 4 && !memcmp(ent.p, "quot", 4))
			sb_addc(out, '"');
		else if (ent.n == 4 && !memcmp(ent.p, "apos", 4))
			sb_addc(out, '\'');
		else if (ent.n >= 2 && ent.p[0] == '#') {
			bool hex = ent.p[1] == 'x';
			uint32_t cp = 0;
			size_t k = hex ? 2 : 1;
			if (k >= ent.n)
				return false;
			for (; k < ent.n; k++) {
				int dgt = hex ? hex_digit(ent.p[k]) : (ent.p[k] >= '0' && ent.p[k] <= '9' ? ent.p[k] - '0' : -1);
				if (dgt < 0 || cp > 0x10ffff)
					return false;
				cp = cp * (hex ? 16 : 10) + (uint32_t)dgt;
			}
			if (cp > 0x10ffff)
				return false;
			sb_add_utf8(out, cp);
		} else
			return false;
		r->p = semi + 1;
	}
	return r->p < r->e || stop == '<';
}

/* Skips a comment or processing instruction body after "<!--" / "<?". */
static bool xml_skip_to(xml_rd *r, const char *end)
{
	size_t el = strlen(end);
	while (r->e - r->p >= (ptrdiff_t)el) {
		if (!memcmp(r->p, end, el)) {
			r->p += el;
			return true;
		}
		r->p++;
	}
	return false;
}

/* A child of an element while it is being collected. */
typedef struct xml_child {
	kstr name;
	strbuf val; /* the child's encoded value */
} xml_child;

/* Writes the members of an element (after its name) into b: attributes,
 * children grouped by name into arrays, text. Returns the value shape:
 * the element's encoded value goes to out. r->p is after the name. */
static bool xml_element_body(xml_rd *r, kstr name, strbuf *out)
{
	(void)name;
	if (++r->depth > 48)
		return false;
	dyn_builder b;
	dynb_init(&b, out);
	size_t start = out->len;
	dynb_begin_object(&b);
	int members = 0;
	/* attributes */
	for (;;) {
		xml_ws(r);
		if (r->p >= r->e)
			return false;
		if (*r->p == '/' || *r->p == '>')
			break;
		kstr an;
		if (!xml_name(r, &an))
			return false;
		xml_ws(r);
		if (r->p >= r->e || *r->p != '=')
			return false;
		r->p++;
		xml_ws(r);
		if (r->p >= r->e || (*r->p != '"' && *r->p != '\''))
			return false;
		char q = *r->p++;
		r->tmp->len = 0;
		sb_addc(r->tmp, '@');
		sb_add(r->tmp, an.p, an.n);
		size_t kl = r->tmp->len;
		if (!xml_text(r, q, r->tmp))
			return false;
		r->p++;
		dynb_key(&b, r->tmp->s, kl);
		dynb_string(&b, r->tmp->s + kl, r->tmp->len - kl);
		members++;
	}
	if (*r->p == '/') {
		if (r->e - r->p < 2 || r->p[1] != '>')
			return false;
		r->p += 2;
		r->depth--;
		if (!members) { /* <a/>: null */
			out->len = start;
			dynb_null(&b);
			return true;
		}
		dynb_end(&b);
		return !b.failed;
	}
	r->p++; /* '>' */
	/* content: text pieces and children */
	strbuf text;
	sb_init(&text);
	xml_child *kids = NULL;
	size_t nk = 0, ck = 0;
	bool ok = false;
	for (;;) {
		if (!xml_text(r, '<', &text) || r->p >= r->e)
			goto done;
		if (r->e - r->p >= 4 && !memcmp(r->p, "<!--", 4)) {
			r->p += 4;
			if (!xml_skip_to(r, "-->"))
				goto done;
			continue;
		}
		if (r->e - r->p >= 9 && !memcmp(r->p, "<![CDATA[", 9)) {
			r->p += 9;
			const char *s = r->p;
			if (!xml_skip_to(r, "]]>"))
				goto done;
			sb_add(&text, s, (size_t)(r->p - 3 - s));
			continue;
		}
		if (r->e - r->p >= 2 && r->p[1] == '?') {
			r->p += 2;
			if (!xml_skip_to(r, "?>"))
				goto done;
			continue;
		}
		if (r->e - r->p >= 2 && r->p[1] == '/') {
			r->p += 2;
			kstr en;
			if (!xml_name(r, &en) || en.n != name.n || memcmp(en.p, name.p, en.n))
				goto done;
			xml_ws(r);
			if (r->p >= r->e || *r->p != '>')
				goto done;
			r->p++;
			break;
		}
		r->p++;
		kstr cn;
		if (!xml_name(r, &cn))
			goto done;
		if (nk == ck) {
			size_t nc = ck ? ck * 2 : 4;
			xml_child *g = realloc(kids, nc * sizeof *g);
			if (!g)
				goto done;
			kids = g;
			ck = nc;
		}
		kids[nk].name = cn;
		sb_init(&kids[nk].val);
		nk++;
		if (!xml_element_body(r, cn, &kids[nk - 1].val))
			goto done;
	}
	/* trim blank-only text (indentation) */
	bool blank = true;
	for (size_t k = 0; k < text.len && blank; k++)
		blank = is_blank(text.s[k]);
	if (!members && !nk) {
		out->len = start;
		if (text.len)
			dynb_string(&b, text.s, text.len);
		else
			dynb_null(&b);
		ok = !text.oom;
		goto done;
	}
	if (!blank) {
		dynb_key(&b, "#text", 5);
		dynb_string(&b, text.s, text.len);
	}
	/* children: the first of each name collects its repeats */
	for (size_t k = 0; k < nk; k++) {
		bool earlier = false;
		for (size_t j = 0; j < k && !earlier; j++)
			earlier = kids[j].name.n == kids[k].name.n && !memcmp(kids[j].name.p, kids[k].name.p, kids[k].name.n);
		if (earlier)
			continue;
		size_t same = 0;
		for (size_t j = k; j < nk; j++)
			same += kids[j].name.n == kids[k].name.n && !memcmp(kids[j].name.p, kids[k].name.p, kids[k].name.n);
		dynb_key(&b, kids[k].name.p, kids[k].name.n);
		if (same == 1) {
			dynb_raw(&b, (const uint8_t *)kids[k].val.s, kids[k].val.len);
			continue;
		}
		dynb_begin_array(&b);
		for (size_t j = k; j < nk; j++)
			if (kids[j].name.n == kids[k].name.n && !memcmp(kids[j].name.p, kids[k].name.p, kids[k].name.n))
				dynb_raw(&b, (const uint8_t *)kids[j].val.s, kids[j].val.len);
		dynb_end(&b);
	}
	dynb_end(&b);
	ok = !b.failed && !text.oom;
done:
	for (size_t k = 0; k < nk; k++)
		sb_free(&kids[k].val);
	free(kids);
	sb_free(&text);
	r->depth--;
	return ok;
}

/* The document: optional declaration, comments, one root element. */
static bool xml_document(kstr s, strbuf *out, strbuf *tmp)
{
	xml_rd r = {s.p, s.p + s.n, tmp, 0};
	dyn_builder b;
	dynb_init(&b, out);
	dynb_begin_object(&b);
	bool root = false;
	for (;;) {
		xml_ws(&r);
		if (r.p >= r.e)
			break;
		if (*r.p != '<')
			return false;
		if (r.e - r.p >= 5 && !memcmp(r.p, "<?xml", 5) && is_blank(r.p[5])) {
			/* the declaration: "?xml" with its attributes */
			r.p += 5;
			strbuf decl;
			sb_init(&decl);
			dyn_builder db;
			dynb_init(&db, &decl);
			dynb_begin_object(&db);
			bool ok = true;
			for (;;) {
				xml_ws(&r);
				if (r.e - r.p >= 2 && !memcmp(r.p, "?>", 2)) {
					r.p += 2;
					break;
				}
				kstr an;
				if (!xml_name(&r, &an) || r.p >= r.e || *r.p != '=' || ++r.p >= r.e ||
				    (*r.p != '"' && *r.p != '\'')) {
					ok = false;
					break;
				}
				char q = *r.p++;
				tmp->len = 0;
				sb_addc(tmp, '@');
				sb_add(tmp, an.p, an.n);
				size_t kl = tmp->len;
				if (!xml_text(&r, q, tmp)) {
					ok = false;
					break;
				}
				r.p++;
				dynb_key(&db, tmp->s, kl);
				dynb_string(&db, tmp->s + kl, tmp->len - kl);
			}
			dynb_end(&db);
			if (ok && !decl.oom) {
				dynb_key(&b, "?xml", 4);
				dynb_raw(&b, (const uint8_t *)decl.s, decl.len);
			}
			sb_free(&decl);
			if (!ok)
				return false;
			continue;
		}
		if (r.e - r.p >= 4 && !memcmp(r.p, "<!--", 4)) {
			r.p += 4;
			if (!xml_skip_to(&r, "-->"))
				return false;
			continue;
		}
		if (r.e - r.p >= 2 && (r.p[1] == '?' || r.p[1] == '!')) {
			r.p += 2;
			if (!xml_skip_to(&r, ">"))
				return false;
			continue;
		}
		if (root)
			return false;
		r.p++;
		kstr name;
		if (!xml_name(&r, &name))
			return false;
		strbuf val;
		sb_init(&val);
		bool ok = xml_element_body(&r, name, &val);
		if (ok) {
			dynb_key(&b, name.p, name.n);
			dynb_raw(&b, (const uint8_t *)val.s, val.len);
		}
		sb_free(&val);
		if (!ok)
			return false;
		root = true;
	}
	dynb_end(&b);
	return root && !b.failed;
}

static bool fn_parse_xml(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                         const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	STR_ARGS(1);
	if (!alloc_typed(cx, out, KQLITE_TYPE_DYNAMIC, rows, false))
		return false;
	strbuf sb, tmp;
	sb_init(&sb);
	sb_init(&tmp);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		sb.len = 0;
		if (!xml_document(sget(sv[0], i), &sb, &tmp))
			continue; /* not XML: null */
		if (tmp.oom) {
			ok = x_nomem(cx->q);
			break;
		}
		if (!(ok = set_sb(cx, out, i, &sb, NULL)))
			break;
	}
	sb_free(&sb);
	sb_free(&tmp);
	return ok;
}

/* ---- hash ------------------------------------------------------------------ */

/* XXH64 of row i's bytes (see the header); false for null. */
static bool hash_row(const vec *v, uint32_t i, strbuf *tmp, uint64_t *h)
{
	if (v_null(v, i))
		return false;
	uint8_t buf[16];
	switch (v->type) {
	case KQLITE_TYPE_STRING: {
		kstr s = sget(v, i);
		*h = XXH64(s.p, s.n, 0);
		return true;
	}
	case KQLITE_TYPE_BOOL:
		buf[0] = v_bool(v, i);
		*h = XXH64(buf, 1, 0);
		return true;
	case KQLITE_TYPE_INT: {
		uint32_t x = (uint32_t)v_i64(v, i);
		for (int k = 0; k < 4; k++)
			buf[k] = (uint8_t)(x >> (8 * k));
		*h = XXH64(buf, 4, 0);
		return true;
	}
	case KQLITE_TYPE_LONG:
	case KQLITE_TYPE_DATETIME:
	case KQLITE_TYPE_TIMESPAN: {
		uint64_t x = (uint64_t)v_i64(v, i);
		for (int k = 0; k < 8; k++)
			buf[k] = (uint8_t)(x >> (8 * k));
		*h = XXH64(buf, 8, 0);
		return true;
	}
	case KQLITE_TYPE_REAL:
	case KQLITE_TYPE_DECIMAL: {
		double f = v_f64(v, i);
		uint64_t x;
		memcpy(&x, &f, 8);
		for (int k = 0; k < 8; k++)
			buf[k] = (uint8_t)(x >> (8 * k));
		*h = XXH64(buf, 8, 0);
		return true;
	}
	case KQLITE_TYPE_GUID:
		*h = XXH64(v_guid(v, i), 16, 0);
		return true;
	case KQLITE_TYPE_DYNAMIC: {
		kstr s = v_str(v, i);
		const char *str;
		size_t sn;
		if (dyn_get_string((const uint8_t *)s.p, s.n, &str, &sn)) {
			*h = XXH64(str, sn, 0);
			return true;
		}
		tmp->len = 0;
		dyn_to_json((const uint8_t *)s.p, s.n, tmp);
		*h = XXH64(tmp->s ? tmp->s : "", tmp->len, 0);
		return true;
	}
	default:
		return false;
	}
}

static bool fn_hash(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                    uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	if (!alloc_typed(cx, out, KQLITE_TYPE_LONG, rows, true))
		return false;
	strbuf tmp;
	sb_init(&tmp);
	FOR_SEL(i, sel, n)
	{
		uint64_t h;
		int64_t mod = 0;
		if (!hash_row(&args[0], i, &tmp, &h) ||
		    (nargs > 1 && (!vec_get_i64(&args[1], i, &mod) || mod <= 0))) {
			out->nulls[i] = 1;
			continue;
		}
		out->d.i[i] = nargs > 1 ? (int64_t)(h % (uint64_t)mod) : (int64_t)h;
	}
	bool oom = tmp.oom;
	sb_free(&tmp);
	return oom ? x_nomem(cx->q) : true;
}

/* ---- has_any_index --------------------------------------------------------- */

static bool alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c >= 0x80;
}

/* `has`: t occurs in s as whole terms (ASCII case-insensitive). */
static bool has_term(kstr s, const char *t, size_t tn)
{
	if (!tn)
		return false;
	for (size_t k = 0; k + tn <= s.n; k++) {
		if (strncasecmp(s.p + k, t, tn))
			continue;
		bool left = k == 0 || !alnum((unsigned char)s.p[k - 1]) || !alnum((unsigned char)t[0]);
		bool right = k + tn == s.n || !alnum((unsigned char)s.p[k + tn]) ||
		             !alnum((unsigned char)t[tn - 1]);
		if (left && right)
			return true;
	}
	return false;
}

/* has_any_index(s, array): the index of the first element s has; -1. */
static bool fn_has_any_index(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                             const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	STR_ARGS(1);
	if (!alloc_typed(cx, out, KQLITE_TYPE_LONG, rows, true))
		return false;
	strbuf tmp;
	sb_init(&tmp);
	FOR_SEL(i, sel, n)
	{
		size_t len;
		const uint8_t *d = dyn_at(&args[1], i, &len);
		dyn_iter it;
		if (!d || !dyn_iter_init(&it, d, len)) {
			out->nulls[i] = 1;
			continue;
		}
		kstr s = sget(sv[0], i);
		const uint8_t *e;
		size_t elen;
		int64_t idx = -1;
		for (int64_t k = 0; dyn_iter_next(&it, NULL, NULL, &e, &elen); k++) {
			const char *t;
			size_t tn;
			if (!dyn_get_string(e, elen, &t, &tn)) {
				tmp.len = 0;
				dyn_to_json(e, elen, &tmp);
				t = tmp.s ? tmp.s : "";
				tn = tmp.len;
			}
			if (has_term(s, t, tn)) {
				idx = k;
				break;
			}
		}
		out->d.i[i] = idx;
	}
	bool oom = tmp.oom;
	sb_free(&tmp);
	return oom ? x_nomem(cx->q) : true;
}

/* ---- zip, around, new_guid, base64_decode_toarray -------------------------- */

/* zip(a1, a2, ...): [[a1[0], a2[0], ...], ...] as long as the longest
 * array, missing elements null; null when an argument is not an array. */
static bool fn_zip(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                   uint32_t n, uint32_t rows, vec *out)
{
	(void)call;
	if (!alloc_typed(cx, out, KQLITE_TYPE_DYNAMIC, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		uint32_t longest = 0;
		bool arrays = true;
		for (uint32_t k = 0; k < nargs && arrays; k++) {
			size_t len;
			const uint8_t *d = dyn_at(&args[k], i, &len);
			arrays = d && dyn_tag(d, len) == DYN_ARRAY;
			if (arrays && dyn_count(d, len) > longest)
				longest = dyn_count(d, len);
		}
		if (!arrays)
			continue;
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_array(&b);
		for (uint32_t j = 0; j < longest; j++) {
			dynb_begin_array(&b);
			for (uint32_t k = 0; k < nargs; k++) {
				size_t len, elen;
				const uint8_t *d = dyn_at(&args[k], i, &len), *e;
				if (dyn_index(d, len, j, &e, &elen))
					dynb_raw(&b, e, elen);
				else
					dynb_null(&b);
			}
			dynb_end(&b);
		}
		dynb_end(&b);
		if (!(ok = set_sb(cx, out, i, &sb, &b)))
			break;
	}
	sb_free(&sb);
	return ok;
}

/* around(value, center, delta): center - delta <= value <= center + delta.
 * Datetimes and timespans compare as ticks (delta a timespan). */
static bool fn_around(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel,
                      uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	if (!alloc_typed(cx, out, KQLITE_TYPE_BOOL, rows, true))
		return false;
	bool exact = true; /* integers (ticks) compare exactly */
	for (int k = 0; k < 3; k++)
		if (type_phys(args[k].type) != PH_I64 && args[k].type != KQLITE_TYPE_NULL)
			exact = false;
	FOR_SEL(i, sel, n)
	{
		if (exact) {
			int64_t v, c, d;
			if (!vec_get_i64(&args[0], i, &v) || !vec_get_i64(&args[1], i, &c) ||
			    !vec_get_i64(&args[2], i, &d)) {
				out->nulls[i] = 1;
				continue;
			}
			/* v - c in [-|d|, |d|] without overflow: through doubles only at the edges */
			__int128 diff = (__int128)v - c, ad = d < 0 ? -(__int128)d : d;
			out->d.b[i] = diff >= -ad && diff <= ad;
			continue;
		}
		double v, c, d;
		if (!vec_get_f64(&args[0], i, &v) || !vec_get_f64(&args[1], i, &c) ||
		    !vec_get_f64(&args[2], i, &d)) {
			out->nulls[i] = 1;
			continue;
		}
		d = fabs(d);
		out->d.b[i] = v >= c - d && v <= c + d;
	}
	return true;
}

/* new_guid(): a random (version 4) guid per row. */
static bool fn_new_guid(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                        const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	(void)args;
	if (!alloc_typed(cx, out, KQLITE_TYPE_GUID, rows, false))
		return false;
	FOR_SEL(i, sel, n)
	{
		uint8_t *g = out->d.g[i];
		if (getrandom(g, 16, 0) != 16) {
			/* no entropy source: a hash of the time and the row */
			uint64_t a = XXH64(&i, sizeof i, (uint64_t)cx->q->now), b = XXH64(&a, 8, (uint64_t)(uintptr_t)g);
			memcpy(g, &a, 8);
			memcpy(g + 8, &b, 8);
		}
		g[6] = (uint8_t)((g[6] & 0x0f) | 0x40);
		g[8] = (uint8_t)((g[8] & 0x3f) | 0x80);
	}
	return true;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* base64_decode_toarray(s): the bytes as an array of longs; null when s
 * is not base64. */
static bool fn_base64_decode_toarray(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                                     const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	STR_ARGS(1);
	if (!alloc_typed(cx, out, KQLITE_TYPE_DYNAMIC, rows, false))
		return false;
	strbuf sb;
	sb_init(&sb);
	bool ok = true;
	FOR_SEL(i, sel, n)
	{
		kstr s = sget(sv[0], i);
		size_t len = s.n;
		while (len && s.p[len - 1] == '=')
			len--;
		if (s.n - len > 2 || len % 4 == 1)
			continue;
		sb.len = 0;
		dyn_builder b;
		dynb_init(&b, &sb);
		dynb_begin_array(&b);
		uint32_t acc = 0;
		int bits = 0;
		bool bad = false;
		for (size_t k = 0; k < len && !bad; k++) {
			int v = b64_value(s.p[k]);
			if (v < 0) {
				bad = true;
				break;
			}
			acc = acc << 6 | (uint32_t)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				dynb_long(&b, (acc >> bits) & 0xff);
			}
		}
		if (bad)
			continue;
		dynb_end(&b);
		if (!(ok = set_sb(cx, out, i, &sb, &b)))
			break;
	}
	sb_free(&sb);
	return ok;
}

/* ---- dcount_hll ------------------------------------------------------------- */

/* dcount_hll(sketch): the distinct count of an hll()/hll_merge() result
 * (agg_stats.c): exact for small sets, else the HyperLogLog estimate; 0
 * for null (hll() of no values), null when the value is not a sketch. */
static bool fn_dcount_hll(xctx *cx, const xcall *call, const vec *args, uint32_t nargs,
                          const uint32_t *sel, uint32_t n, uint32_t rows, vec *out)
{
	UNUSED_CALL;
	if (!alloc_typed(cx, out, KQLITE_TYPE_LONG, rows, true))
		return false;
	uint8_t *regs = malloc(HLL_REGISTERS);
	if (!regs)
		return x_nomem(cx->q);
	FOR_SEL(i, sel, n)
	{
		size_t len;
		const uint8_t *d = dyn_at(&args[0], i, &len);
		uint64_t *hs = NULL;
		uint32_t nh;
		bool is_regs;
		memset(regs, 0, HLL_REGISTERS);
		if (!d) {
			out->d.i[i] = 0;
			out->nulls[i] = 0;
			continue;
		}
		if (!hll_read(d, len, &hs, &nh, regs, &is_regs)) {
			out->nulls[i] = 1;
			continue;
		}
		free(hs);
		out->d.i[i] = is_regs ? hll_estimate_regs(regs) : nh;
	}
	free(regs);
	return true;
}

/* ipv4_is_in_range, ipv4_is_in_any_range and their IPv6 forms: whether
 * the address of argument 0 lies in the range of argument 1 (or of any
 * range, string or array of strings, that follows); null when something
 * does not parse. *_is_in_range is the one-range case of any_range(). */
static bool ip_in_ranges(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n,
                         uint32_t rows, vec *out, bool v6)
{
	STR_ARGS(1);
	if (!alloc_typed(cx, out, KQLITE_TYPE_BOOL, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		union {
			uint32_t v4;
			uint8_t v6[16];
		} a;
		int p, r = -1;
		if (v6 ? ip6_parse(sget(sv[0], i), a.v6, &p) : ip4_at(sv[0], i, &a.v4, &p))
			r = any_range(args, nargs, i, &a, v6 ? ip6_range_cb : ip4_range_cb);
		if (r < 0)
			out->nulls[i] = 1;
		else
			out->d.b[i] = r != 0;
	}
	return true;
}

#define IP_IN_RANGES(fn, v6)                                                                       \
	static bool fn(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel, \
	               uint32_t n, uint32_t rows, vec *out)                                        \
	{                                                                                          \
		UNUSED_CALL;                                                                       \
		return ip_in_ranges(cx, args, nargs, sel, n, rows, out, v6);                       \
	}

IP_IN_RANGES(fn_ipv4_is_in_range, false)
IP_IN_RANGES(fn_ipv4_is_in_any_range, false)
IP_IN_RANGES(fn_ipv6_is_in_range, true)
IP_IN_RANGES(fn_ipv6_is_in_any_range, true)

/* ipv4_compare, ipv4_is_match and their IPv6 forms: a comparison of two
 * addresses (with optional prefixes) per row, as -1/0/1 or as equality;
 * null when an address does not parse. */
typedef bool (*ip_cmp_row)(const vec *const *sv, const vec *args, uint32_t nargs, uint32_t i, int *cmp);

static bool ip_compare(xctx *cx, const vec *args, uint32_t nargs, const uint32_t *sel, uint32_t n, uint32_t rows,
                       vec *out, ip_cmp_row row, bool match)
{
	STR_ARGS(2);
	if (!alloc_typed(cx, out, match ? KQLITE_TYPE_BOOL : KQLITE_TYPE_LONG, rows, true))
		return false;
	FOR_SEL(i, sel, n)
	{
		int c;
		if (!row(sv, args, nargs, i, &c))
			out->nulls[i] = 1;
		else if (match)
			out->d.b[i] = c == 0;
		else
			out->d.i[i] = c;
	}
	return true;
}

#define IP_COMPARE(fn, row, match)                                                                 \
	static bool fn(xctx *cx, const xcall *call, const vec *args, uint32_t nargs, const uint32_t *sel, \
	               uint32_t n, uint32_t rows, vec *out)                                        \
	{                                                                                          \
		UNUSED_CALL;                                                                       \
		return ip_compare(cx, args, nargs, sel, n, rows, out, row, match);                 \
	}

IP_COMPARE(fn_ipv4_compare, ip4_cmp_row, false)
IP_COMPARE(fn_ipv4_is_match, ip4_cmp_row, true)
IP_COMPARE(fn_ipv6_compare, ip6_cmp_row, false)
IP_COMPARE(fn_ipv6_is_match, ip6_cmp_row, true)

const xfn_def xfn_net_defs[] = {
    {"around", fn_around, NULL, XF_DETERMINISTIC},
    {"base64_decode_toarray", fn_base64_decode_toarray, NULL, XF_DETERMINISTIC},
    {"dcount_hll", fn_dcount_hll, NULL, XF_DETERMINISTIC},
    {"format_ipv4", fn_format_ipv4, NULL, XF_DETERMINISTIC},
    {"format_ipv4_mask", fn_format_ipv4_mask, NULL, XF_DETERMINISTIC},
    {"has_any_index", fn_has_any_index, NULL, XF_DETERMINISTIC},
    {"hash", fn_hash, NULL, XF_DETERMINISTIC},
    {"hash_xxhash64", fn_hash, NULL, XF_DETERMINISTIC},
    {"ipv4_compare", fn_ipv4_compare, NULL, XF_DETERMINISTIC},
    {"ipv4_is_in_any_range", fn_ipv4_is_in_any_range, NULL, XF_DETERMINISTIC},
    {"ipv4_is_in_range", fn_ipv4_is_in_range, NULL, XF_DETERMINISTIC},
    {"ipv4_is_match", fn_ipv4_is_match, NULL, XF_DETERMINISTIC},
    {"ipv4_is_private", fn_ipv4_is_private, NULL, XF_DETERMINISTIC},
    {"ipv4_netmask_suffix", fn_ipv4_netmask_suffix, NULL, XF_DETERMINISTIC},
    {"ipv4_range_to_cidr_list", fn_ipv4_range_to_cidr_list, NULL, XF_DETERMINISTIC},
    {"ipv6_compare", fn_ipv6_compare, NULL, XF_DETERMINISTIC},
    {"ipv6_is_in_any_range", fn_ipv6_is_in_any_range, NULL, XF_DETERMINISTIC},
    {"ipv6_is_in_range", fn_ipv6_is_in_range, NULL, XF_DETERMINISTIC},
    {"ipv6_is_match", fn_ipv6_is_match, NULL, XF_DETERMINISTIC},
    {"new_guid", fn_new_guid, NULL, 0},
    {"parse_command_line", fn_parse_command_line, prep_command_line, XF_DETERMINISTIC},
    {"parse_csv", fn_parse_csv, NULL, XF_DETERMINISTIC},
    {"parse_ipv4", fn_parse_ipv4, NULL, XF_DETERMINISTIC},
    {"parse_ipv4_mask", fn_parse_ipv4, NULL, XF_DETERMINISTIC},
    {"parse_ipv6", fn_parse_ipv6, NULL, XF_DETERMINISTIC},
    {"parse_ipv6_mask", fn_parse_ipv6, NULL, XF_DETERMINISTIC},
    {"parse_path", fn_parse_path, NULL, XF_DETERMINISTIC},
    {"parse_url", fn_parse_url, NULL, XF_DETERMINISTIC},
    {"parse_urlquery", fn_parse_urlquery, NULL, XF_DETERMINISTIC},
    {"parse_xml", fn_parse_xml, NULL, XF_DETERMINISTIC},
    {"zip", fn_zip, NULL, XF_DETERMINISTIC},
    {NULL, NULL, NULL, 0},
};
