/* fuzz/record.c: libFuzzer target for record_decode: any bytes, as a
 * damaged database page or a newer program's record would hand them over.
 * A record decoded is encoded again and decoded again: the same record,
 * and the same bytes the second time (the encoding of a record is one). */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "common.h"
#include "record.h"

static bool
same(const record *a, const record *b)
{
	if (!rec_id_equal(&a->id, &b->id) || a->version != b->version ||
	    a->form_version != b->form_version || a->created_at != b->created_at ||
	    a->updated_at != b->updated_at || a->nfields != b->nfields)
		return false;
	if (strcmp(a->created_by ? a->created_by : "", b->created_by ? b->created_by : "") ||
	    strcmp(a->updated_by ? a->updated_by : "", b->updated_by ? b->updated_by : ""))
		return false;
	for (size_t i = 0; i < a->nfields; i++) {
		const char *v = record_get(b, a->fields[i].name);
		if (!v || strcmp(v, a->fields[i].value) != 0)
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	record *r;
	if (record_decode(data, size, NULL, &r) != 0) {
		FUZZ_CHECK(r == NULL);
		return 0;
	}
	FUZZ_CHECK(r != NULL && r->id.kind == data[1]);
	/* the key's kind must match the record's own */
	rec_id id = {(uint8_t)(data[1] + 1), 0x3f9a2c71d0e4u, 42};
	record *other;
	FUZZ_CHECK(record_decode(data, size, &id, &other) == -1 && other == NULL);
	id.kind = data[1];
	FUZZ_CHECK(record_decode(data, size, &id, &other) == 0);
	FUZZ_CHECK(rec_id_equal(&other->id, &id));
	record_free(other);

	for (size_t i = 0; i < r->nfields; i++)
		FUZZ_CHECK(r->fields[i].value[0] != '\0');
	size_t len1, len2;
	unsigned char *e1 = record_encode(r, &len1);
	FUZZ_CHECK(e1 != NULL && len1 <= size);
	record *r2;
	FUZZ_CHECK(record_decode(e1, len1, NULL, &r2) == 0);
	FUZZ_CHECK(same(r, r2) && same(r2, r));
	unsigned char *e2 = record_encode(r2, &len2);
	FUZZ_CHECK(e2 != NULL && len2 == len1 && memcmp(e1, e2, len1) == 0);

	record *c = record_dup(r);
	FUZZ_CHECK(c != NULL && same(r, c));
	char buf[REC_ID_TEXTMAX];
	rec_id_format(&r->id, buf);
	record_free(c);
	free(e1);
	free(e2);
	record_free(r);
	record_free(r2);
	return 0;
}
