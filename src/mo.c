/* mo.c: the GNU .mo catalogue reader of mo.h. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mo.h"
#include "util.h"

static uint32_t
mo_u32(const struct mo *m, size_t off)
{
	if (off + 4 > m->len)
		return 0;
	const unsigned char *p = m->data + off;
	return m->big ? be_get32(p)
	              : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

void
mo_load(struct mo *m, const char *path)
{
	memset(m, 0, sizeof *m);
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	struct strbuf b = {0};
	char chunk[65536];
	size_t k;
	while ((k = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < (64u << 20))
		sb_add(&b, chunk, k);
	fclose(f);
	if (b.failed || b.len < 28) {
		sb_free(&b);
		return;
	}
	m->data = (unsigned char *)b.p;
	m->len = b.len;
	uint32_t magic = mo_u32(m, 0);
	if (magic != 0x950412deu) {
		m->big = true;
		if (mo_u32(m, 0) != 0x950412deu) {
			free(m->data);
			memset(m, 0, sizeof *m);
			return;
		}
	}
	m->n = mo_u32(m, 8);
	m->orig = mo_u32(m, 12);
	m->trans = mo_u32(m, 16);
	/* the hash table only when it lies inside the file */
	uint32_t hn = mo_u32(m, 20), ho = mo_u32(m, 24);
	if (hn > 2 && (size_t)ho + 4 * (size_t)hn <= m->len) {
		m->hash_n = hn;
		m->hash = ho;
	}
}

/* gettext's hash of a message (hash_string of GNU gettext, 32 bits). */
static uint32_t
mo_hash(const char *s)
{
	uint32_t h = 0;
	for (; *s; s++) {
		h = (h << 4) + (unsigned char)*s;
		uint32_t g = h & 0xf0000000u;
		if (g)
			h ^= (g >> 24) ^ g;
	}
	return h;
}

/* The translation of entry i when its original is msgid (want bytes);
 * *hit says whether it was (its translation may still be NULL). */
static const char *
mo_entry(const struct mo *m, uint32_t i, const char *msgid, size_t want, bool *hit)
{
	*hit = false;
	uint32_t len = mo_u32(m, m->orig + 8 * (size_t)i);
	uint32_t off = mo_u32(m, m->orig + 8 * (size_t)i + 4);
	if (len != want || (size_t)off + len >= m->len || memcmp(m->data + off, msgid, len) != 0)
		return NULL;
	*hit = true;
	uint32_t tlen = mo_u32(m, m->trans + 8 * (size_t)i);
	uint32_t toff = mo_u32(m, m->trans + 8 * (size_t)i + 4);
	if ((size_t)toff + tlen >= m->len || m->data[toff + tlen] != '\0' || tlen == 0)
		return NULL;
	return (const char *)m->data + toff;
}

/* Where msgid sorts against entry i's original (up to its first NUL, as
 * msgfmt sorts them): <0, 0 or >0 as strcmp. */
static int
mo_cmp(const struct mo *m, uint32_t i, const char *msgid, size_t want)
{
	uint32_t len = mo_u32(m, m->orig + 8 * (size_t)i);
	uint32_t off = mo_u32(m, m->orig + 8 * (size_t)i + 4);
	if ((size_t)off + len >= m->len)
		len = 0;
	const unsigned char *o = m->data + off;
	const void *nul = memchr(o, '\0', len);
	size_t olen = nul ? (size_t)((const unsigned char *)nul - o) : len;
	int c = memcmp(msgid, o, want < olen ? want : olen);
	return c ? c : (want > olen) - (want < olen);
}

const char *
mo_get(const struct mo *m, const char *msgid)
{
	if (!m->data || m->n == 0)
		return NULL;
	size_t want = strlen(msgid);
	bool hit;
	if (m->hash_n > 2) {
		/* open addressing with double hashing, as msgfmt wrote it; at
		 * most hash_n probes, so a damaged table cannot loop */
		uint32_t h = mo_hash(msgid), idx = h % m->hash_n, incr = 1 + h % (m->hash_n - 2);
		for (uint32_t k = 0; k < m->hash_n; k++) {
			uint32_t e = mo_u32(m, m->hash + 4 * (size_t)idx);
			if (e == 0)
				return NULL;
			if (e - 1 < m->n) {
				const char *t = mo_entry(m, e - 1, msgid, want, &hit);
				if (hit)
					return t;
			}
			idx = idx >= m->hash_n - incr ? idx - (m->hash_n - incr) : idx + incr;
		}
		return NULL;
	}
	uint32_t lo = 0, hi = m->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = mo_cmp(m, mid, msgid, want);
		if (c == 0) {
			const char *t = mo_entry(m, mid, msgid, want, &hit);
			return t;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

void
mo_free(struct mo *m)
{
	free(m->data);
	memset(m, 0, sizeof *m);
}
