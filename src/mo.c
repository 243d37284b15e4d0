/* mo.c: the GNU .mo catalogue reader of mo.h. */
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
}

const char *
mo_get(const struct mo *m, const char *msgid)
{
	size_t want = strlen(msgid);
	for (uint32_t i = 0; m->data && i < m->n; i++) {
		uint32_t len = mo_u32(m, m->orig + 8 * (size_t)i);
		uint32_t off = mo_u32(m, m->orig + 8 * (size_t)i + 4);
		if (len != want || (size_t)off + len >= m->len ||
		    memcmp(m->data + off, msgid, len) != 0)
			continue;
		uint32_t tlen = mo_u32(m, m->trans + 8 * (size_t)i);
		uint32_t toff = mo_u32(m, m->trans + 8 * (size_t)i + 4);
		if ((size_t)toff + tlen >= m->len || m->data[toff + tlen] != '\0' || tlen == 0)
			return NULL;
		return (const char *)m->data + toff;
	}
	return NULL;
}

void
mo_free(struct mo *m)
{
	free(m->data);
	memset(m, 0, sizeof *m);
}
