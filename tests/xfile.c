/* xfile.c: exchange files taken apart and put together again as an
 * attacker can (xfile.h), for the tests of forged files. */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "sync.h"
#include "xfile.h"

static size_t
xget(const unsigned char *p, int bytes)
{
	size_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

static void
xput(unsigned char **p, size_t *n, const void *d, size_t k)
{
	*p = realloc(*p, *n + k + 1);
	ck_assert_ptr_nonnull(*p);
	memcpy(*p + *n, d, k);
	*n += k;
}

static void
xput_be(unsigned char **p, size_t *n, uint64_t v, int bytes)
{
	unsigned char t[8];
	for (int i = 0; i < bytes; i++)
		t[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	xput(p, n, t, (size_t)bytes);
}

void
xfile_parse(const unsigned char *buf, size_t len, struct xfile *x)
{
	struct sync_header h;
	ck_assert_int_eq(sync_read_header(buf, len, &h), 0);
	memset(x, 0, sizeof *x);
	memcpy(x->fixed, buf, sizeof x->fixed);
	size_t at = sizeof x->fixed;
	for (int i = 0; i < 5; i++) {
		size_t k = xget(buf + at, 2);
		ck_assert_uint_lt(k, sizeof x->text[i]);
		memcpy(x->text[i], buf + at + 2, k);
		if (i == 4)
			x->keylen = k;
		at += 2 + k;
	}
	ck_assert_uint_eq(at + 4, h.entries_at);
	at = h.entries_at;
	ck_assert_uint_le(h.count, 64);
	for (uint32_t i = 0; i < h.count; i++) {
		size_t k = xget(buf + at, 4);
		rec_id_from_key(buf + at + 4, &x->ids[i]);
		ck_assert_int_eq(record_decode(buf + at + 4 + REC_KEYLEN, k - REC_KEYLEN, &x->ids[i],
		                               &x->recs[i]), 0);
		at += 4 + k;
	}
	x->n = h.count;
	x->nforms_bytes = h.sealed_len - h.forms_at;
	x->forms = malloc(x->nforms_bytes + 1);
	memcpy(x->forms, buf + h.forms_at, x->nforms_bytes);
}

void
xfile_free(struct xfile *x)
{
	for (size_t i = 0; i < x->n; i++)
		record_free(x->recs[i]);
	free(x->forms);
	memset(x, 0, sizeof *x);
}

/* Add record r (taken) to x. */
void
xfile_add(struct xfile *x, record *r)
{
	ck_assert_uint_lt(x->n, 64);
	x->ids[x->n] = r->id;
	x->recs[x->n++] = r;
}

/* The file again, sealed with key (NULL: unsealed), its SHA-256 made. */
unsigned char *
xfile_build(const struct xfile *x, const unsigned char *key, size_t *len)
{
	unsigned char *p = NULL;
	size_t n = 0;
	xput(&p, &n, x->fixed, sizeof x->fixed);
	for (int i = 0; i < 5; i++) {
		size_t k = i == 4 ? x->keylen : strlen(x->text[i]);
		xput_be(&p, &n, k, 2);
		xput(&p, &n, x->text[i], k);
	}
	xput_be(&p, &n, x->n, 4);
	for (size_t i = 0; i < x->n; i++) {
		size_t k;
		unsigned char *enc = record_encode(x->recs[i], &k), key17[REC_KEYLEN];
		ck_assert_ptr_nonnull(enc);
		rec_id_to_key(&x->ids[i], key17);
		xput_be(&p, &n, REC_KEYLEN + k, 4);
		xput(&p, &n, key17, REC_KEYLEN);
		xput(&p, &n, enc, k);
		free(enc);
	}
	xput(&p, &n, x->forms, x->nforms_bytes);
	unsigned char sum[SHA256_LEN];
	xput_be(&p, &n, key ? SYNC_KEYLEN : 0, 2);
	if (key) {
		hmac_sha256(key, SYNC_KEYLEN, p, n - 2, sum);
		xput(&p, &n, sum, sizeof sum);
	}
	sha256(p, n, sum);
	xput(&p, &n, sum, sizeof sum);
	*len = n;
	return p;
}

