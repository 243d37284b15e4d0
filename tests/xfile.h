/* xfile.h: an exchange file (sync.h's format) taken apart into its
 * head, its records and its form files, changed, and put together again
 * with the SHA-256 made again and a seal under a key the attacker holds:
 * what a worker who can read the format and their own PC's key can do.
 * For the tests (check-sync.c, check-syncssh.c); Check's assertions. */
#ifndef SHEGONG_TESTS_XFILE_H
#define SHEGONG_TESTS_XFILE_H

#include <stddef.h>

#include "record.h"

/* An exchange file taken apart: the fixed head, its five texts, the
 * records and the form files section, to be changed and put together
 * again (xfile_build) with a seal under a key the attacker holds and the
 * SHA-256 made again. */
struct xfile {
	unsigned char fixed[68];
	char text[5][256];   /* from unit, login, to unit, forms, key (raw) */
	size_t keylen;
	size_t n;
	rec_id ids[64];
	record *recs[64];
	unsigned char *forms;
	size_t nforms_bytes;
};

/* Take the checked file buf apart into x. */
void xfile_parse(const unsigned char *buf, size_t len, struct xfile *x);
void xfile_free(struct xfile *x);
/* Add record r (x takes it). */
void xfile_add(struct xfile *x, record *r);
/* The file again (malloc'd), sealed with key (NULL: unsealed). */
unsigned char *xfile_build(const struct xfile *x, const unsigned char *key, size_t *len);

#endif
