/* sync-internal.h: what the exchange's files (sync*.c) share and no other
 * module may use: the file format's writer and reader, the keys, the
 * bookkeeping kept in meta, the forms carried, the notices, the apply's
 * state its checks read.  The module's interface is sync.h. */
#ifndef SHEGONG_SYNC_INTERNAL_H
#define SHEGONG_SYNC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refer.h"
#include "sync.h"
#include "util.h"

/* What a file may carry.  No form has a tenth as many fields, no
 * referral a tenth as many steps; versions and slip numbers past these
 * would bring the taker's counters near their wrap. */
#define SYNC_MAX_FIELDS 256
#define SYNC_MAX_HISTORY 1000
#define SYNC_MAX_VERSION 0x7fffffffu
#define SYNC_MAX_SLIP 999999ul

/* --- sync.c: the words for a failure, who may exchange ------------------- */

/* Say fmt (with arg) in why, unless something is said there already. */
void sync_why(char *why, size_t size, const char *fmt, const char *arg);
/* Whether worker sc may exchange for the unit (id text): an
 * administrator, or a room with the unit in reach; never a supervisor. */
bool sync_may_reach(const struct scope *sc, const char *unit);

/* --- sync-file.c: the exchange file's bytes, its seal, the keys ---------- */

/* A file's header as its writer gives it (sync.h says the layout). */
struct sync_file_head {
	uint64_t from_site, to_site, base, top, ack;
	int64_t made;
	const char *from_unit, *from_login, *to_unit, *forms_hash;
	const unsigned char *key;   /* the village's key carried, or NULL */
	uint32_t format;            /* 0: SYNC_FORMAT; SYNC_FORMAT_REFER */
};
/* The header into b, up to the record count, written as 0: its place is
 * returned, for sync_file_end. */
size_t sync_file_put_head(struct strbuf *b, const struct sync_file_head *h);
/* One record entry: its key and its encoding (record_encode); STORE_NOMEM. */
int sync_file_put_record(struct strbuf *b, const record *r);
struct sync_forms;
/* The form files carried (none when f is NULL). */
void sync_file_put_forms(struct strbuf *b, const struct sync_forms *f);
/* The record count put in its place, then the seal (under key, when not
 * NULL) and the SHA-256 of it all. */
void sync_file_end(struct strbuf *b, size_t countpos, size_t count,
                   const unsigned char key[SYNC_KEYLEN]);

/* Reading a file whose header sync_read_header checked: a cursor over
 * its bytes up to the SHA-256 (bad once something is missing). */
struct sync_rd {
	const unsigned char *p;
	size_t n, at;
	bool bad;
};
/* The file's numbers (big-endian, bytes wide) and strings (a 2-byte
 * length, then the bytes), written and read; reading a short or bad one
 * marks the cursor bad. */
void sync_put_be(struct strbuf *b, uint64_t v, int bytes);
void sync_put_str(struct strbuf *b, const char *s);
uint64_t sync_get_be(struct sync_rd *r, int bytes);
void sync_get_str(struct sync_rd *r, char *out, size_t size);
/* The cursor at the first record entry, or at the form files' count. */
void sync_file_entries(const unsigned char *buf, size_t len, const struct sync_header *h,
                       struct sync_rd *r);
void sync_file_forms(const unsigned char *buf, size_t len, const struct sync_header *h,
                     struct sync_rd *r);
/* The next record entry: its key (REC_KEYLEN bytes) and its encoding. */
void sync_file_entry(struct sync_rd *r, const unsigned char **key, const unsigned char **enc,
                     size_t *enclen);
/* The next form file: its name and bytes. */
void sync_file_form(struct sync_rd *r, char name[80], const unsigned char **data, size_t *n);

/* Whether the file buf (checked: h) is sealed with key. */
bool sync_file_sealed_with(const unsigned char *buf, const struct sync_header *h,
                           const unsigned char key[SYNC_KEYLEN]);

/* A township's key for the village unit (meta "sync/key/UNIT"): *have,
 * and *confirmed when the village's PC has sealed a file with it. */
int sync_key_get(store_txn *t, const char *unit, unsigned char key[SYNC_KEYLEN], bool *have,
                 bool *confirmed);
int sync_key_put(store_txn *t, const char *unit, const unsigned char key[SYNC_KEYLEN],
                 bool confirmed);
/* A village PC's own key (meta "sync/key"). */
int sync_own_key_get(store_txn *t, unsigned char key[SYNC_KEYLEN], bool *have);
int sync_own_key_put(store_txn *t, const unsigned char key[SYNC_KEYLEN]);

/* Everything fd gives, up to max bytes (SYNC_ERR_TOOBIG past them: no
 * more is held; STORE_IO, STORE_NOMEM); all of p to fd (STORE_IO). */
int sync_file_read_fd(int fd, unsigned char **out, size_t *len, size_t max);
int sync_file_write_fd(int fd, const unsigned char *p, size_t n);

/* --- sync-peer.c: what the exchange keeps between runs -------------------- */

/* A value in meta of exactly size bytes into out: *have, false when it
 * is unset or of another size (out then as it was). */
int sync_meta_fixed(store_txn *t, const char *name, void *out, size_t size, bool *have);
/* An 8-byte big-endian number in meta (0 when unset); and putting one. */
int sync_meta_u64(store_txn *t, const char *name, uint64_t *v);
int sync_meta_put_u64(store_txn *t, const char *name, uint64_t v);
/* The time a referral's copy came here, in meta sync/arrived/ID
 * (refer.c's news reads it); sync-apply.c. */
int sync_mark_arrival(store_txn *t, const rec_id *id);
/* The peer with that site (meta "sync/peer/SITE"; zeros but the site
 * when none), and keeping it. */
int sync_peer_get(store_txn *t, uint64_t site, struct sync_peer *p);
int sync_peer_put(store_txn *t, const struct sync_peer *p);
/* The peer last heard from for the village unit (zeros when none). */
int sync_peer_find(store_txn *t, const char *unit, struct sync_peer *best);
/* Owners' versions: "sync/sv/ID" = the owner's version last taken here
 * and the copy's version it was saved as. */
int sync_sv_get(store_txn *t, const rec_id *id, uint32_t *owner, uint32_t *here, bool *have);
int sync_sv_put(store_txn *t, const rec_id *id, uint32_t owner, uint32_t here);

/* --- sync-forms.c: the forms a township's file carries ---------------------- */

struct sync_forms {
	size_t n;
	char **name;
	unsigned char **data;
	size_t *len;
	char hash[65];
};
/* Whether name is one a forms folder has (choices, NAME.form, NAME.fields). */
bool sync_forms_name(const char *name);
/* The form files of dir, by name, and their hash; an unreadable folder
 * gives none (and an empty hash). */
int sync_forms_read(const char *dir, struct sync_forms *f);
void sync_forms_free(struct sync_forms *f);
/* A file's forms on their way in: unpacked into the database folder's
 * forms.new and loaded there before the transaction (SYNC_ERR_FORMS,
 * with FILE:LINE and the fault in why), then put in force (take: the old
 * kept as forms.old) or thrown away after it. */
struct sync_forms_stage {
	char *fnew, *fcur, *fold;
};
int sync_forms_stage(store *st, const unsigned char *buf, size_t len, const struct sync_header *h,
                     struct sync_forms_stage *s, char *why, size_t whysize);
int sync_forms_finish(store *st, struct sync_forms_stage *s, bool take);

/* --- sync-make.c ------------------------------------------------------------ */

/* What would go up now from a village PC (records, referrals among them). */
int sync_make_pending(store *st, const struct scope *sc, size_t *count, size_t *referrals);

/* --- sync-apply.c: the state of one file being taken ------------------------ */

struct sync_apply {
	store *st;
	const struct scope *sc;
	const unsigned char *buf;
	size_t len;
	struct sync_header h;
	struct sync_stats *stats;
	sync_progress_fn progress;
	void *pctx;
	char *why;
	size_t whysize;
	struct scope *vs;   /* the village's scope on a township */
	uint64_t local;
	bool upstream_mode;
	struct formset *fs; /* the forms a village's records are checked by */
	char own_unit[REC_ID_TEXTMAX]; /* a village PC's village ("" not known) */
};

/* --- sync-refer.c: referrals between a township and its county server ------- */

/* Apply a file of format SYNC_FORMAT_REFER whose header h was checked. */
int sync_refer_apply(store *st, const struct scope *sc, const unsigned char *buf, size_t len,
                     const struct sync_header *h, struct sync_stats *stats, char *why,
                     size_t whysize);

/* --- sync-check.c: what a file may carry ------------------------------------ */

/* Refuse the whole file: the record and what is wrong with it. */
int sync_check_refuse(store_txn *t, struct sync_apply *ac, const rec_id *id, const char *what);
/* The number of fields an entry's encoding says it has, read before it
 * is decoded (0 when it cannot be read). */
uint64_t sync_check_nfields(const unsigned char *p, size_t len);
/* What no file may bring to any side, and what a village's file may not
 * bring to its township beside its scope (local: the copy here, NULL). */
int sync_check_taken(store_txn *t, struct sync_apply *ac, const record *in, const record *local);

/* --- sync-notice.c: what an exchange could not merge --------------------------- */

/* A notice of what a change made here had that the owner's version
 * replaces (theirs: of the change the other side made to our record). */
int sync_notice_diff(store_txn *t, struct sync_stats *stats, const record *local,
                     const record *in, bool theirs);
/* A notice for each step the merge m of referral id could not take. */
int sync_notice_steps(store_txn *t, struct sync_stats *stats, const rec_id *id,
                      const struct refer_merge *m);
/* Whether the worker whose scope is the store's policy may see the
 * notice name. */
bool sync_notice_visible(store_txn *t, const char *name);

#endif
