/* index.c: the secondary index entries of a record, from a table of
 * (index, field, normalising rule). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "pinyin.h"
#include "util.h"

enum norm { NORM_PLAIN, NORM_LOWER, NORM_UPPER, NORM_PINYIN, NORM_LINK, NORM_SORT };

static const struct {
	int idx;
	const char *name;
	const char *field;
	enum norm norm;
} defs[] = {
	{IDX_NAME, "name", "name", NORM_LOWER},
	{IDX_PINYIN, "pinyin", "name", NORM_PINYIN},
	{IDX_IDNUM, "idnum", "idnum", NORM_UPPER},
	{IDX_VILLAGE, "village", "village", NORM_PLAIN},
	{IDX_STATUS, "status", "status", NORM_PLAIN},
	{IDX_DATE, "date", "date", NORM_PLAIN},
	{IDX_CODE, "code", "code", NORM_PLAIN},
	{IDX_LOGIN, "login", "login", NORM_PLAIN},
	{IDX_PARENT, "parent", "parent", NORM_PLAIN},
	{IDX_RESIDENT, "resident", "resident", NORM_PLAIN},
	{IDX_HOUSEHOLD, "household", "household", NORM_PLAIN},
	{IDX_TO, "to", "to_unit", NORM_PLAIN},
	{IDX_SORT, "sort", "name", NORM_SORT},
	{IDX_FOLLOWBY, "followby", "followup", NORM_PLAIN},
	{IDX_LINK, "link", NULL, NORM_LINK},  /* from every field: link_entries */
	{IDX_VOID, "void", REC_VOID, NORM_PLAIN},
};
#define NDEFS (NELEM(defs))

const char *
index_name(int idx)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (defs[i].idx == idx)
			return defs[i].name;
	return NULL;
}

int
index_from_name(const char *name)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (strcmp(defs[i].name, name) == 0)
			return defs[i].idx;
	return 0;
}

bool
index_in_set(int idx, int kind, uint64_t ver)
{
	unsigned since = idx == IDX_FOLLOWBY ? 3 : idx == IDX_SORT ? 2 : 1;
	if (idx == IDX_STATUS && ver >= INDEX_STATUS_NEEDS)
		return kind == REC_NEED;
	return since <= ver;
}

int
index_kind_is_person(int kind)
{
	return kind == REC_RESIDENT || kind == REC_VOLUNTEER || kind == REC_USER;
}

/* Build idx(1) kind(1) value into key; the value is cut on a character
 * boundary so that the key stays under IDX_KEYMAX. */
static size_t
build_key(unsigned char key[IDX_KEYMAX], int idx, int kind, const char *v,
          enum norm norm)
{
	size_t n = strlen(v);
	size_t room = IDX_KEYMAX - 2;
	if (n > room) {
		/* back up to the start of the character that would be split */
		n = room;
		while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
			n--;
	}
	key[0] = (unsigned char)idx;
	key[1] = (unsigned char)kind;
	memcpy(key + 2, v, n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = key[2 + i];
		if (norm == NORM_LOWER && c >= 'A' && c <= 'Z')
			key[2 + i] = (unsigned char)(c - 'A' + 'a');
		else if (norm == NORM_UPPER && c >= 'a' && c <= 'z')
			key[2 + i] = (unsigned char)(c - 'a' + 'A');
	}
	return n + 2;
}

struct pinyin_ctx {
	const record *r;
	int (*fn)(const unsigned char *, size_t, void *);
	void *ctx;
};

static int
pinyin_one(const char *initials, void *vctx)
{
	struct pinyin_ctx *pc = vctx;
	unsigned char key[IDX_KEYMAX];
	if (!*initials)
		return 0;
	size_t n = build_key(key, IDX_PINYIN, pc->r->id.kind, initials, NORM_PLAIN);
	return pc->fn(key, n, pc->ctx);
}

/* Every record id a record names, in any field: one IDX_LINK entry each. */
static int
link_entries(const record *r, int (*fn)(const unsigned char *, size_t, void *), void *ctx)
{
	for (size_t i = 0; i < r->nfields; i++) {
		const char *v = r->fields[i].value;
		while (*v) {
			size_t n = strcspn(v, ",");
			size_t idn = strcspn(v, ",:");
			char item[REC_ID_TEXTMAX];
			rec_id id;
			/* leave room for the id as it prints (a long kind name is longer) */
			if (idn < sizeof item) {
				memcpy(item, v, idn);
				item[idn] = '\0';
				if (rec_id_parse(item, &id) == 0) {
					/* the id as it prints, whatever spelling the field used */
					unsigned char key[IDX_KEYMAX];
					rec_id_format(&id, item);
					size_t klen = build_key(key, IDX_LINK, r->id.kind, item, NORM_PLAIN);
					int rc = fn(key, klen, ctx);
					if (rc)
						return rc;
				}
			}
			v += n;
			if (*v)
				v++;
		}
	}
	return 0;
}

int
index_each(const record *r,
           int (*fn)(const unsigned char *key, size_t len, void *ctx), void *ctx)
{
	/* a voided record is found by its id alone: no name, ID number,
	 * village, date or link leads to it, so no list, search, count by
	 * village or tally meets it; its one entry counts the voided */
	bool voided = record_voided(r);
	for (size_t i = 0; i < NDEFS; i++) {
		if (voided && defs[i].idx != IDX_VOID)
			continue;
		if (defs[i].norm == NORM_LINK) {
			int rc = link_entries(r, fn, ctx);
			if (rc)
				return rc;
			continue;
		}
		if (!index_in_set(defs[i].idx, r->id.kind, INDEX_VERSION))
			continue;
		const char *v = record_get(r, defs[i].field);
		if (!v || !*v)
			continue;
		int rc;
		if (defs[i].norm == NORM_SORT) {
			char sk[IDX_KEYMAX];
			pinyin_sort_key(v, index_kind_is_person(r->id.kind), sk, sizeof sk);
			if (!*sk)
				continue;
			unsigned char key[IDX_KEYMAX];
			size_t n = build_key(key, defs[i].idx, r->id.kind, sk, NORM_PLAIN);
			rc = fn(key, n, ctx);
		} else if (defs[i].norm == NORM_PINYIN) {
			struct pinyin_ctx pc = {r, fn, ctx};
			rc = pinyin_each(v, IDX_PINYIN_VARIANTS, pinyin_one, &pc);
		} else {
			unsigned char key[IDX_KEYMAX];
			size_t n = build_key(key, defs[i].idx, r->id.kind, v, defs[i].norm);
			rc = fn(key, n, ctx);
		}
		if (rc)
			return rc;
	}
	return 0;
}

size_t
index_prefix(int idx, int kind, const char *query, unsigned char key[IDX_KEYMAX])
{
	enum norm norm = NORM_PLAIN;
	for (size_t i = 0; i < NDEFS; i++)
		if (defs[i].idx == idx)
			norm = defs[i].norm == NORM_PINYIN ? NORM_LOWER : defs[i].norm;
	if (norm == NORM_SORT) {
		char sk[IDX_KEYMAX];
		pinyin_sort_key(query ? query : "", index_kind_is_person(kind), sk, sizeof sk);
		return build_key(key, idx, kind, sk, NORM_PLAIN);
	}
	return build_key(key, idx, kind, query ? query : "", norm);
}
