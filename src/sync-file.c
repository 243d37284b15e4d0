/* sync-file.c: the exchange file's bytes (sync.h says the layout): its
 * writer and its reader, the seal (HMAC-SHA-256 under a village's key)
 * and the SHA-256 at its end, the keys kept in meta, and exchange files
 * read and written whole. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sha256.h"
#include "sync-internal.h"

#define HEAD_FIXED (16 + 4 + 8 * 5 + 8)

/* --- writing -------------------------------------------------------------- */

void
sync_put_be(struct strbuf *b, uint64_t v, int bytes)
{
	unsigned char t[8];
	be_put(t, v, bytes);
	sb_add(b, t, (size_t)bytes);
}

void
sync_put_str(struct strbuf *b, const char *s)
{
	size_t n = strlen(s);
	if (n > 0xffff)
		n = 0xffff;
	sync_put_be(b, n, 2);
	sb_add(b, s, n);
}

size_t
sync_file_put_head(struct strbuf *b, const struct sync_file_head *h)
{
	sb_add(b, SYNC_MAGIC, 16);
	sync_put_be(b, h->format ? h->format : SYNC_FORMAT, 4);
	sync_put_be(b, h->from_site, 8);
	sync_put_be(b, h->to_site, 8);
	sync_put_be(b, h->base, 8);
	sync_put_be(b, h->top, 8);
	sync_put_be(b, h->ack, 8);
	sync_put_be(b, (uint64_t)h->made, 8);
	sync_put_str(b, h->from_unit);
	sync_put_str(b, h->from_login);
	sync_put_str(b, h->to_unit);
	sync_put_str(b, h->forms_hash);
	sync_put_be(b, h->key ? SYNC_KEYLEN : 0, 2);
	if (h->key)
		sb_add(b, h->key, SYNC_KEYLEN);
	size_t countpos = b->len;
	sync_put_be(b, 0, 4);
	return countpos;
}

int
sync_file_put_record(struct strbuf *b, const record *r)
{
	size_t len;
	unsigned char *enc = record_encode(r, &len);
	unsigned char key[REC_KEYLEN];
	if (!enc)
		return STORE_NOMEM;
	rec_id_to_key(&r->id, key);
	sync_put_be(b, REC_KEYLEN + len, 4);
	sb_add(b, key, REC_KEYLEN);
	sb_add(b, enc, len);
	free(enc);
	return b->failed ? STORE_NOMEM : 0;
}

void
sync_file_put_forms(struct strbuf *b, const struct sync_forms *f)
{
	sync_put_be(b, f ? f->n : 0, 4);
	for (size_t i = 0; f && i < f->n; i++) {
		sync_put_str(b, f->name[i]);
		sync_put_be(b, f->len[i], 4);
		sb_add(b, f->data[i], f->len[i]);
	}
}

void
sync_file_end(struct strbuf *b, size_t countpos, size_t count, const unsigned char key[SYNC_KEYLEN])
{
	unsigned char sum[SHA256_LEN];
	if (!b->failed)
		be_put32((unsigned char *)b->p + countpos, (uint32_t)count);
	sync_put_be(b, key ? SYNC_KEYLEN : 0, 2);
	if (key && !b->failed) {
		hmac_sha256(key, SYNC_KEYLEN, b->p, b->len - 2, sum);
		sb_add(b, sum, SHA256_LEN);
	}
	if (!b->failed)
		sha256(b->p, b->len, sum);
	sb_add(b, sum, SHA256_LEN);
}

/* --- reading -------------------------------------------------------------- */

uint64_t
sync_get_be(struct sync_rd *r, int bytes)
{
	if (r->bad || r->at > r->n || r->n - r->at < (size_t)bytes) {
		r->bad = true;
		return 0;
	}
	uint64_t v = be_get(r->p + r->at, bytes);
	r->at += (size_t)bytes;
	return v;
}

void
sync_get_str(struct sync_rd *r, char *out, size_t size)
{
	size_t n = (size_t)sync_get_be(r, 2);
	*out = '\0';
	if (r->bad || r->at > r->n || r->n - r->at < n || n >= size) {
		r->bad = true;
		return;
	}
	memcpy(out, r->p + r->at, n);
	out[n] = '\0';
	r->at += n;
	if (strlen(out) != n)
		r->bad = true;   /* a NUL inside */
}

/* A field of format 2 that holds 0 or SYNC_KEYLEN bytes (the key a
 * township carries, the seal): *got when it holds them. */
static void
get_key(struct sync_rd *r, unsigned char out[SYNC_KEYLEN], bool *got)
{
	size_t k = (size_t)sync_get_be(r, 2);
	if (k == SYNC_KEYLEN && r->n - r->at >= k) {
		memcpy(out, r->p + r->at, k);
		*got = true;
		r->at += k;
	} else if (k) {
		r->bad = true;
	}
}

int
sync_read_header(const unsigned char *buf, size_t len, struct sync_header *h)
{
	memset(h, 0, sizeof *h);
	if (len < 16 + 4 || memcmp(buf, SYNC_MAGIC, 16) != 0)
		return SYNC_ERR_DAMAGED;
	struct sync_rd r = {buf, len, 16, false};
	uint32_t format = (uint32_t)sync_get_be(&r, 4);
	if (format > SYNC_FORMAT && format != SYNC_FORMAT_REFER)
		return SYNC_ERR_NEWER;
	if (format < 1 || len < HEAD_FIXED + 2 + 2 + 2 + 2 + 4 + 4 + SHA256_LEN)
		return SYNC_ERR_DAMAGED;
	h->format = format;
	unsigned char sum[SHA256_LEN];
	sha256(buf, len - SHA256_LEN, sum);
	if (memcmp(sum, buf + len - SHA256_LEN, SHA256_LEN) != 0)
		return SYNC_ERR_DAMAGED;
	r.n = len - SHA256_LEN;
	h->from_site = sync_get_be(&r, 8);
	h->to_site = sync_get_be(&r, 8);
	h->base = sync_get_be(&r, 8);
	h->top = sync_get_be(&r, 8);
	h->ack = sync_get_be(&r, 8);
	h->made = (int64_t)sync_get_be(&r, 8);
	sync_get_str(&r, h->from_unit, sizeof h->from_unit);
	sync_get_str(&r, h->from_login, sizeof h->from_login);
	sync_get_str(&r, h->to_unit, sizeof h->to_unit);
	sync_get_str(&r, h->forms_hash, sizeof h->forms_hash);
	if (format >= 2)
		get_key(&r, h->key, &h->has_key);
	h->count = (uint32_t)sync_get_be(&r, 4);
	h->entries_at = r.at;
	if (r.bad || h->from_site == 0)
		return SYNC_ERR_DAMAGED;
	/* every entry must be whole before anything is applied */
	for (uint32_t i = 0; i < h->count && !r.bad; i++) {
		size_t n = (size_t)sync_get_be(&r, 4);
		if (r.bad || n < REC_KEYLEN || r.n - r.at < n)
			r.bad = true;
		else
			r.at += n;
	}
	h->forms_at = r.at;
	h->nforms = (uint32_t)sync_get_be(&r, 4);
	for (uint32_t i = 0; i < h->nforms && !r.bad; i++) {
		char name[80];
		sync_get_str(&r, name, sizeof name);
		size_t n = (size_t)sync_get_be(&r, 4);
		if (r.bad || !sync_forms_name(name) || r.n - r.at < n)
			r.bad = true;
		else
			r.at += n;
	}
	h->sealed_len = r.at;
	if (format >= 2)
		get_key(&r, h->seal, &h->sealed);
	if (r.bad || r.at != r.n)
		return SYNC_ERR_DAMAGED;
	return 0;
}

void
sync_file_entries(const unsigned char *buf, size_t len, const struct sync_header *h,
                  struct sync_rd *r)
{
	*r = (struct sync_rd){buf, len - SHA256_LEN, h->entries_at, false};
}

void
sync_file_forms(const unsigned char *buf, size_t len, const struct sync_header *h,
                struct sync_rd *r)
{
	*r = (struct sync_rd){buf, len - SHA256_LEN, h->forms_at, false};
	sync_get_be(r, 4);
}

void
sync_file_entry(struct sync_rd *r, const unsigned char **key, const unsigned char **enc,
                size_t *enclen)
{
	size_t n = (size_t)sync_get_be(r, 4);
	*key = r->p + r->at;
	*enc = r->p + r->at + REC_KEYLEN;
	*enclen = n - REC_KEYLEN;
	r->at += n;
}

void
sync_file_form(struct sync_rd *r, char name[80], const unsigned char **data, size_t *n)
{
	sync_get_str(r, name, 80);
	*n = (size_t)sync_get_be(r, 4);
	*data = r->p + r->at;
	r->at += *n;
}

/* --- the seal and the keys --------------------------------------------------- */

bool
sync_file_sealed_with(const unsigned char *buf, const struct sync_header *h,
                      const unsigned char key[SYNC_KEYLEN])
{
	unsigned char mac[SHA256_LEN];
	if (!h->sealed)
		return false;
	hmac_sha256(key, SYNC_KEYLEN, buf, h->sealed_len, mac);
	return sha256_equal(mac, h->seal);
}

int
sync_key_get(store_txn *t, const char *unit, unsigned char key[SYNC_KEYLEN], bool *have,
             bool *confirmed)
{
	char name[96];
	unsigned char v[SYNC_KEYLEN + 1];
	snprintf(name, sizeof name, "sync/key/%s", unit);
	int err = sync_meta_fixed(t, name, v, sizeof v, have);
	if (*have)
		memcpy(key, v, SYNC_KEYLEN);
	*confirmed = *have && v[SYNC_KEYLEN] != 0;
	return err;
}

int
sync_key_put(store_txn *t, const char *unit, const unsigned char key[SYNC_KEYLEN], bool confirmed)
{
	char name[96];
	unsigned char v[SYNC_KEYLEN + 1];
	snprintf(name, sizeof name, "sync/key/%s", unit);
	memcpy(v, key, SYNC_KEYLEN);
	v[SYNC_KEYLEN] = confirmed;
	return store_meta_put(t, name, v, sizeof v);
}

int
sync_own_key_get(store_txn *t, unsigned char key[SYNC_KEYLEN], bool *have)
{
	return sync_meta_fixed(t, "sync/key", key, SYNC_KEYLEN, have);
}

int
sync_own_key_put(store_txn *t, const unsigned char key[SYNC_KEYLEN])
{
	return store_meta_put(t, "sync/key", key, SYNC_KEYLEN);
}

/* --- reading and writing whole ------------------------------------------------- */

int
sync_file_read_fd(int fd, unsigned char **out, size_t *len, size_t max)
{
	struct strbuf b = {0};
	unsigned char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sb_free(&b);
			return STORE_IO;
		}
		if (n == 0)
			break;
		if ((size_t)n > max - b.len) {
			sb_free(&b);
			return SYNC_ERR_TOOBIG;
		}
		sb_add(&b, chunk, (size_t)n);
		if (b.failed) {
			sb_free(&b);
			return STORE_NOMEM;
		}
	}
	*out = (unsigned char *)b.p;
	*len = b.len;
	return 0;
}

int
sync_file_write_fd(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return STORE_IO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
sync_file_read(const char *path, unsigned char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	struct stat sb;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > SYNC_MAX_BYTES) {
		close(fd);
		return EFBIG;
	}
	int err = sync_file_read_fd(fd, buf, len, SYNC_MAX_BYTES);
	int e = errno;
	close(fd);
	if (err == STORE_NOMEM)
		return ENOMEM;
	if (err == SYNC_ERR_TOOBIG)
		return EFBIG;
	return err ? (e ? e : EIO) : 0;
}

int
sync_file_write(const char *path, const unsigned char *buf, size_t len)
{
	char *tmp = NULL;
	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return ENOMEM;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int e = fd < 0 ? errno : 0;
	if (!e && sync_file_write_fd(fd, buf, len))
		e = errno ? errno : EIO;
	if (!e && fsync(fd) < 0)
		e = errno;
	if (fd >= 0 && close(fd) < 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e)
		unlink(tmp);
	free(tmp);
	return e;
}
