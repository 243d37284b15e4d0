/* sha256.h: SHA-256 (FIPS 180-4), small and of our own, for the audit
 * trail's hash chain; no OpenSSL to install on a village PC.  No curses. */
#ifndef SHEGONG_SHA256_H
#define SHEGONG_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32

struct sha256 {
	uint32_t h[8];
	uint64_t len;            /* bytes hashed so far */
	unsigned char buf[64];   /* a block being filled */
	size_t nbuf;
};

/* Start, feed any number of pieces, finish: the digest of the pieces
 * joined.  After sha256_final the state must be started again. */
void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, unsigned char out[SHA256_LEN]);

/* The digest of one piece. */
void sha256(const void *data, size_t len, unsigned char out[SHA256_LEN]);

/* HMAC-SHA-256 (RFC 2104) of data under key: the seal of an exchange
 * file (sync.c), which only a holder of the key can make. */
void hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
                 unsigned char out[SHA256_LEN]);
/* Whether two digests are the same, in a time that does not depend on
 * where they differ. */
bool sha256_equal(const unsigned char a[SHA256_LEN], const unsigned char b[SHA256_LEN]);

#endif
