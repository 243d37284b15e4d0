/* fuzz/record-seeds.c: writes the seed corpus of fuzz/record.c, records
 * encoded by record_encode as the store keeps them: one of each kind with
 * the fields its form has (Chinese, a character outside the BMP, a line
 * break, an ESC), a record never saved, one with no fields, stamps before
 * 1970 and past 2038, the largest version numbers.
 * Usage: fuzz/record-seeds DIR (make fuzz-seeds writes fuzz/corpus/record). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

static int
save(const char *dir, const char *name, const record *r)
{
	size_t len;
	unsigned char *p = record_encode(r, &len);
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = p ? fopen(path, "wb") : NULL;
	int ok = f && fwrite(p, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = 0;
	free(p);
	if (!ok)
		fprintf(stderr, "record-seeds: cannot write %s\n", path);
	return ok ? 0 : 1;
}

static record *
stamped(int kind, uint32_t version, int64_t created, int64_t updated)
{
	record *r = record_new(kind);
	if (!r)
		exit(1);
	r->version = version;
	r->form_version = 1;
	r->created_at = created;
	r->updated_at = updated;
	r->created_by = strdup("anning");
	r->updated_by = strdup("tester");
	return r;
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: record-seeds DIR\n");
		return 2;
	}
	const char *dir = argv[1];
	int bad = 0;

	record *r = stamped(REC_RESIDENT, 3, 1773532800, 1773619200);
	record_set(r, "name", "王秀英");
	record_set(r, "idnum", "51042119500101001X");
	record_set(r, "sex", "f");
	record_set(r, "phone", "13800138000");
	record_set(r, "village", "unit-3f9a2c71d0e4-3");
	record_set(r, "categories", "dibao,disabled");
	record_set(r, "address", "安宁村3组, 12号");
	record_set(r, "notes", "入户走访\n行动不便 𠮷");
	bad |= save(dir, "resident", r);
	record_free(r);

	r = stamped(REC_NEED, 1, 1773532800, 1773532800);
	record_set(r, "resident", "res-3f9a2c71d0e4-42");
	record_set(r, "service", "care");
	record_set(r, "status", "open");
	record_set(r, "notes", "\x1b]52;c;aGk=\x07 \xc2\x9b");
	bad |= save(dir, "need", r);
	record_free(r);

	r = stamped(REC_SERVICE, 2, 1773532800, 1773619200);
	record_set(r, "_form", "service_care");
	record_set(r, "volunteers", "vol-3f9a2c71d0e4-7:2.5,vol-3f9a2c71d0e4-8:1");
	record_set(r, "date", "2026-03-15");
	bad |= save(dir, "service", r);
	record_free(r);

	r = stamped(REC_UNIT, 1, 0, 0);
	record_set(r, "code", "510421100001");
	record_set(r, "name", "安宁村");
	record_set(r, "level", "village");
	record_set(r, "parent", "unit-3f9a2c71d0e4-2");
	bad |= save(dir, "unit", r);
	record_free(r);

	r = stamped(REC_REFERRAL, UINT32_MAX, -2208988800, INT64_MAX);
	record_set(r, "number", "ZJ-510421100-2026-0001");
	record_set(r, "_history", "2026-03-15 create anning\n2026-03-16 accept tester");
	bad |= save(dir, "referral-extremes", r);
	record_free(r);

	r = record_new(REC_PROJECT);
	bad |= save(dir, "never-saved", r);
	record_free(r);
	return bad;
}
