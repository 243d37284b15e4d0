/* audit.c: the audit trail: who changed or handed out which record and
 * when, as a hash chain of entries in the store's audit table, with its
 * head in meta, so that an entry changed, removed or cut off the end
 * shows up in `shegong check`.
 *
 * Entry encoding, format byte 1, fixed order (be = big-endian):
 *   format(1) seq(8 be) at(8 be, two's complement) v_before(4 be)
 *   v_after(4 be) who(str) action(str) record(str) note(str)
 *   prev(32) hash(32)
 * with str = length(2 be) + UTF-8 bytes.  hash = SHA-256(prev || every
 * byte of the entry before hash).  seq is inside the hashed bytes, so an
 * entry moved to another number no longer matches its hash.
 * Head: meta "audit_head" = count(8 be) || the last entry's hash(32). */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "i18n.h"
#include "sha256.h"
#include "util.h"

#define AUDIT_FORMAT 1
#define HEAD_NAME "audit_head"
#define HEAD_LEN (8 + SHA256_LEN)
/* the fixed part: format, seq, at, versions, four string lengths, hashes */
#define FIXED_LEN (1 + 8 + 8 + 4 + 4 + 4 * 2 + 2 * SHA256_LEN)

/* --- encoding ------------------------------------------------------------ */

/* How many bytes of s fit in a field of size cap (with its NUL), cut on
 * a character boundary so a long note never ends in half a character. */
static size_t
fit_len(const char *s, size_t cap)
{
	size_t n = s ? strlen(s) : 0;
	if (n < cap)
		return n;
	n = cap - 1;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* Fields in the encoding's order, so encode and decode read one table. */
#define NSTR 4
static char *
str_field(struct audit_entry *e, int i, size_t *cap)
{
	static const struct {
		size_t off, cap;
	} f[NSTR] = {
		{offsetof(struct audit_entry, who), sizeof ((struct audit_entry *)0)->who},
		{offsetof(struct audit_entry, action), sizeof ((struct audit_entry *)0)->action},
		{offsetof(struct audit_entry, record), sizeof ((struct audit_entry *)0)->record},
		{offsetof(struct audit_entry, note), sizeof ((struct audit_entry *)0)->note},
	};
	*cap = f[i].cap;
	return (char *)e + f[i].off;
}

/* The bytes of e, its hash left out (the caller appends it); malloc'd. */
static unsigned char *
entry_encode(struct audit_entry *e, size_t *len)
{
	size_t n = FIXED_LEN, cap, sl[NSTR];
	for (int i = 0; i < NSTR; i++) {
		const char *s = str_field(e, i, &cap);
		sl[i] = fit_len(s, cap);
		n += sl[i];
	}
	unsigned char *buf = malloc(n), *p = buf;
	if (!buf)
		return NULL;
	*p++ = AUDIT_FORMAT;
	be_put(p, e->seq, 8);
	be_put(p + 8, (uint64_t)e->at, 8);
	be_put(p + 16, e->v_before, 4);
	be_put(p + 20, e->v_after, 4);
	p += 24;
	for (int i = 0; i < NSTR; i++) {
		be_put(p, sl[i], 2);
		memcpy(p + 2, str_field(e, i, &cap), sl[i]);
		p += 2 + sl[i];
	}
	memcpy(p, e->prev, SHA256_LEN);
	*len = n;
	return buf;
}

/* hash = SHA-256(prev || the entry's bytes before the hash) */
static void
entry_hash(const unsigned char prev[SHA256_LEN], const unsigned char *data, size_t len,
           unsigned char out[SHA256_LEN])
{
	struct sha256 s;
	sha256_init(&s);
	sha256_update(&s, prev, SHA256_LEN);
	sha256_update(&s, data, len - SHA256_LEN);
	sha256_final(&s, out);
}

/* 0, or -1 when the bytes are no entry this version can read: a format
 * it does not know is refused, never guessed. */
static int
entry_decode(const unsigned char *p, size_t len, struct audit_entry *e)
{
	memset(e, 0, sizeof *e);
	if (len < FIXED_LEN || p[0] != AUDIT_FORMAT)
		return -1;
	const unsigned char *end = p + len;
	e->seq = be_get(p + 1, 8);
	e->at = (int64_t)be_get(p + 9, 8);
	e->v_before = (uint32_t)be_get(p + 17, 4);
	e->v_after = (uint32_t)be_get(p + 21, 4);
	p += 25;
	for (int i = 0; i < NSTR; i++) {
		size_t cap;
		char *s = str_field(e, i, &cap);
		if (end - p < 2)
			return -1;
		size_t n = (size_t)be_get(p, 2);
		if (n >= cap || (size_t)(end - p - 2) < n || memchr(p + 2, '\0', n))
			return -1;
		memcpy(s, p + 2, n);
		s[n] = '\0';
		p += 2 + n;
	}
	if (end - p != 2 * SHA256_LEN)
		return -1;
	memcpy(e->prev, p, SHA256_LEN);
	memcpy(e->hash, p + SHA256_LEN, SHA256_LEN);
	return 0;
}

/* --- writing ------------------------------------------------------------ */

/* The head as the chain stands: the number and hash of its last entry
 * (zeros for an empty chain).  A missing or damaged head reads as empty:
 * the next entry then fails to follow its predecessor, so check still
 * finds it, and the workers can go on working meanwhile. */
enum head_state { HEAD_NONE, HEAD_OK, HEAD_DAMAGED };

static int
head_get(store_txn *t, uint64_t *count, unsigned char hash[SHA256_LEN], enum head_state *state)
{
	void *data;
	size_t len;
	*count = 0;
	*state = HEAD_NONE;
	memset(hash, 0, SHA256_LEN);
	int err = store_meta_get(t, HEAD_NAME, &data, &len);
	if (err == STORE_NOTFOUND)
		return 0;
	if (err)
		return err;
	*state = len == HEAD_LEN ? HEAD_OK : HEAD_DAMAGED;
	if (*state == HEAD_OK) {
		*count = be_get(data, 8);
		memcpy(hash, (unsigned char *)data + 8, SHA256_LEN);
	}
	free(data);
	return 0;
}

int
audit_log(store_txn *t, const char *action, const rec_id *id, uint32_t v_before,
          uint32_t v_after, const char *note)
{
	if (store_txn_error(t))
		return store_txn_error(t);
	struct audit_entry e = {.at = (int64_t)time(NULL), .v_before = v_before,
	                        .v_after = v_after};
	const char *who = store_user(store_txn_store(t));
	memcpy(e.who, who ? who : "?", fit_len(who ? who : "?", sizeof e.who));
	memcpy(e.action, action, fit_len(action, sizeof e.action));
	memcpy(e.note, note ? note : "", fit_len(note, sizeof e.note));
	if (id)
		rec_id_format(id, e.record);

	uint64_t count, last;
	enum head_state hs;
	int err = head_get(t, &count, e.prev, &hs);
	if (err)
		return err;
	/* The number comes from the table, the link from the head: an entry
	 * cut off the end is then never hidden by the next one written. */
	err = store_audit_last_seq(t, &last);
	if (err && err != STORE_NOTFOUND)
		return err;
	e.seq = last + 1;

	size_t len;
	unsigned char *buf = entry_encode(&e, &len);
	if (!buf)
		return store_txn_fail(t, STORE_NOMEM);
	entry_hash(e.prev, buf, len, buf + len - SHA256_LEN);
	store_audit_put(t, e.seq, buf, len);
	unsigned char head[HEAD_LEN];
	be_put(head, e.seq, 8);
	memcpy(head + 8, buf + len - SHA256_LEN, SHA256_LEN);
	free(buf);
	return store_meta_put(t, HEAD_NAME, head, sizeof head);
}

/* The store's change kinds as the log names them. */
static const char *const hook_action[] = {
	[STORE_HOOK_CREATE] = "create",
	[STORE_HOOK_UPDATE] = "edit",
	[STORE_HOOK_DELETE] = "delete",
};

static int
audit_hook(store_txn *t, int what, const record *before, const record *after, void *ctx)
{
	(void)ctx;
	if (what <= 0 || (size_t)what >= NELEM(hook_action))
		return STORE_INVALID;
	const record *r = after ? after : before;
	return audit_log(t, hook_action[what], &r->id, before ? before->version : 0,
	                 after ? after->version : 0, NULL);
}

void
audit_attach(store *st)
{
	store_set_hook(st, audit_hook, NULL);
}

struct log_now {
	const char *action;
	const rec_id *id;
	const char *note;
};

static int
log_now_txn(store_txn *t, void *ctx)
{
	struct log_now *ln = ctx;
	return audit_log(t, ln->action, ln->id, 0, 0, ln->note);
}

int
audit_log_now(store *st, const char *action, const rec_id *id, const char *note)
{
	struct log_now ln = {action, id, note};
	return store_write(st, log_now_txn, &ln);
}

/* --- checking ------------------------------------------------------------ */

struct verify {
	size_t entries;
	uint64_t expect;                /* the number the next entry should have */
	unsigned char prev[SHA256_LEN]; /* the hash it should link to */
	uint64_t bad;
	char *why;
	size_t whysize;
};

/* The first fault found is the one reported: what follows a broken link
 * is suspect anyway.  Every finding ends with what to do about it. */
static void
found(struct verify *v, uint64_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void
found(struct verify *v, uint64_t n, const char *fmt, ...)
{
	if (v->bad)
		return;
	v->bad = n;
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(v->why, v->whysize, "%s %s", what,
	         _("Someone changed the database outside shegong: keep a copy of the database "
	           "folder as it is and report this to the county supervisor."));
}

static int
verify_entry(uint64_t seq, const void *data, size_t len, void *ctx)
{
	struct verify *v = ctx;
	struct audit_entry e;
	unsigned char h[SHA256_LEN];
	v->entries++;
	if (seq > v->expect) {
		if (seq == v->expect + 1)
			found(v, v->expect, _("Audit entry %llu is missing: it was removed."),
			      (unsigned long long)v->expect);
		else
			found(v, v->expect, _("Audit entries %llu to %llu are missing: they were removed."),
			      (unsigned long long)v->expect, (unsigned long long)seq - 1);
	}
	v->expect = seq + 1;
	if (entry_decode(data, len, &e) < 0) {
		found(v, seq, _("Audit entry %llu cannot be read: it was damaged or overwritten."),
		      (unsigned long long)seq);
		/* what it should have been is unknown: link the next to nothing */
		memset(v->prev, 0xff, sizeof v->prev);
		return 0;
	}
	entry_hash(e.prev, data, len, h);
	if (e.seq != seq)
		found(v, seq, _("Audit entry %llu carries the number %llu: entries were moved."),
		      (unsigned long long)seq, (unsigned long long)e.seq);
	else if (memcmp(h, e.hash, SHA256_LEN) != 0)
		found(v, seq, _("Audit entry %llu was changed after it was written."),
		      (unsigned long long)seq);
	else if (memcmp(e.prev, v->prev, SHA256_LEN) != 0)
		found(v, seq, _("Audit entry %llu does not follow the entry before it: an entry "
		                "before it was replaced or removed."),
		      (unsigned long long)seq);
	memcpy(v->prev, e.hash, SHA256_LEN);
	return 0;
}

static int
verify_txn(store_txn *t, void *ctx)
{
	struct verify *v = ctx;
	uint64_t count;
	unsigned char hash[SHA256_LEN];
	enum head_state hs;
	int err = head_get(t, &count, hash, &hs);
	if (!err)
		err = store_audit_walk(t, 1, verify_entry, v);
	if (err)
		return err;
	uint64_t last = v->expect - 1;
	if (hs == HEAD_NONE && last > 0)
		found(v, last, _("The audit trail's head is missing: it was removed, so entries "
		                 "may have been cut off after entry %llu."),
		      (unsigned long long)last);
	else if (hs == HEAD_DAMAGED)
		found(v, last ? last : 1, _("The audit trail's head is damaged, so entries may have "
		                            "been cut off after entry %llu."),
		      (unsigned long long)last);
	else if (count > last && count == last + 1)
		found(v, count, _("Audit entry %llu, the last one, is missing: it was removed."),
		      (unsigned long long)count);
	else if (count > last)
		found(v, last + 1, _("Audit entries %llu to %llu, the last ones, are missing: they "
		                     "were removed."),
		      (unsigned long long)last + 1, (unsigned long long)count);
	else if (count < last)
		found(v, count + 1, _("Audit entries from %llu on were added outside shegong."),
		      (unsigned long long)count + 1);
	else if (last > 0 && memcmp(hash, v->prev, SHA256_LEN) != 0)
		found(v, last, _("Audit entry %llu is not the entry the trail ended with: it was "
		                 "replaced."),
		      (unsigned long long)last);
	return 0;
}

int
audit_verify(store *st, size_t *entries, uint64_t *bad, char *why, size_t whysize)
{
	struct verify v = {.expect = 1, .why = why, .whysize = whysize};
	if (whysize)
		why[0] = '\0';
	int err = store_read(st, verify_txn, &v);
	*entries = v.entries;
	*bad = v.bad;
	return err;
}

/* --- reading ------------------------------------------------------------- */

struct each {
	const struct audit_filter *f;
	int (*fn)(const struct audit_entry *e, void *ctx);
	void *ctx;
};

/* Dates are compared as the worker reads them: the local calendar day. */
static void
local_date(int64_t at, char out[11])
{
	time_t tt = (time_t)at;
	struct tm tm;
	if (!localtime_r(&tt, &tm) || !strftime(out, 11, "%Y-%m-%d", &tm))
		strcpy(out, "0000-00-00");
}

static int
each_entry(uint64_t seq, const void *data, size_t len, void *ctx)
{
	struct each *ec = ctx;
	const struct audit_filter *f = ec->f;
	struct audit_entry e;
	(void)seq;
	if (entry_decode(data, len, &e) < 0)
		return STORE_CORRUPT;
	if (f && f->who && strcmp(f->who, e.who) != 0)
		return 0;
	if (f && f->record && strcmp(f->record, e.record) != 0)
		return 0;
	if (f && (f->since || f->until)) {
		char day[11];
		local_date(e.at, day);
		if ((f->since && strcmp(day, f->since) < 0) || (f->until && strcmp(day, f->until) > 0))
			return 0;
	}
	return ec->fn(&e, ec->ctx);
}

static int
each_txn(store_txn *t, void *ctx)
{
	return store_audit_walk(t, 1, each_entry, ctx);
}

static bool
is_day(const char *s)
{
	if (!s)
		return true;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

int
audit_each(store *st, const struct audit_filter *f,
           int (*fn)(const struct audit_entry *e, void *ctx), void *ctx)
{
	if (f && (!is_day(f->since) || !is_day(f->until)))
		return STORE_INVALID;
	struct each ec = {f, fn, ctx};
	return store_read(st, each_txn, &ec);
}
