/* sync.c: the exchange between a village PC and its township (sync.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "form.h"
#include "i18n.h"
#include "index.h"
#include "orgunit.h"
#include "paths.h"
#include "refer.h"
#include "sha256.h"
#include "shown.h"
#include "sync.h"
#include "text.h"

#define HEAD_FIXED (16 + 4 + 8 * 5 + 8)

/* What a file may carry.  No form has a tenth as many fields, no
 * referral a tenth as many steps; versions and slip numbers past these
 * would bring the taker's counters near their wrap. */
#define SYNC_MAX_FIELDS 256
#define SYNC_MAX_HISTORY 1000
#define SYNC_MAX_VERSION 0x7fffffffu
#define SYNC_MAX_SLIP 999999ul

const char *
sync_strerror(int err)
{
	switch (err) {
	case SYNC_ERR_DAMAGED:
		return _("This exchange file is damaged or cut short (or is not an exchange file). "
		         "Nothing was taken from it. Copy it again from the other side, or make a "
		         "new one there.");
	case SYNC_ERR_NEWER:
		return _("This exchange file was made by a newer shegong. Install the newer version "
		         "here first.");
	case SYNC_ERR_OWN:
		return _("This exchange file was made by this same database: take it to the other "
		         "side and apply it there.");
	case SYNC_ERR_NOTFORUS:
		return _("This exchange file was made for another database, not this one.");
	case SYNC_ERR_STRANGER:
		return _("This exchange file does not come from this room's township server. "
		         "Nothing was taken from it.");
	case SYNC_ERR_GAP:
		return _("An earlier exchange file from the other side was never applied here, so "
		         "this one would leave a gap. Apply the earlier file first, or ask the other "
		         "side for a new file: it will carry everything.");
	case SYNC_ERR_UNIT:
		return _("The village of this exchange is not one you look after (or not a "
		         "village). Ask a worker of its township.");
	case SYNC_ERR_ROLE:
		return _("Supervisors do not exchange data: a village room or its township does.");
	case SYNC_ERR_NOPEER:
		return _("There is nothing to exchange with yet: on a township server say which "
		         "village the file is for (--for CODE); a village PC gets its township's "
		         "first file or runs \"shegong sync HOST\".");
	case SYNC_ERR_SSH:
		return _("The link to the township server failed or dropped. Nothing was lost: "
		         "run the exchange again when the link is back.");
	case SYNC_ERR_REMOTE:
		return _("The township server refused the exchange (its message is above).");
	case SYNC_ERR_FORMS:
		return _("The forms the township sent have a fault, so nothing was taken from this "
		         "exchange. Tell the township: its forms need mending.");
	case SYNC_ERR_TOOBIG:
		return _("This is larger than any exchange file (256 MB), so it is not one. Nothing "
		         "was taken from it.");
	case SYNC_ERR_SEAL:
		return _("This exchange file is not sealed with the key of the village PC it says it "
		         "comes from, so it cannot be told from a forgery. Nothing was taken from it. "
		         "A village PC seals its files once it has taken a file from this township: "
		         "make a file for the village here, apply it on the village's PC, then make "
		         "the PC's file again (or exchange over ssh as the village's worker).");
	case SYNC_ERR_FORGED:
		return _("This exchange file carries something the side that wrote it could not have "
		         "typed. Nothing was taken from it.");
	default:
		return refer_strerror(err);
	}
}

static void
set_why(char *why, size_t size, const char *fmt, const char *arg)
{
	if (why && size && !*why)
		snprintf(why, size, fmt, arg ? arg : "");
}

/* --- bytes -------------------------------------------------------------- */

struct buf {
	unsigned char *p;
	size_t n, cap;
	bool oom;
};

static void
put_bytes(struct buf *b, const void *d, size_t n)
{
	if (b->oom)
		return;
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n)
			cap *= 2;
		unsigned char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void
put_be(struct buf *b, uint64_t v, int bytes)
{
	unsigned char t[8];
	for (int i = 0; i < bytes; i++)
		t[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
	put_bytes(b, t, (size_t)bytes);
}

static void
put_str(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	if (n > 0xffff)
		n = 0xffff;
	put_be(b, n, 2);
	put_bytes(b, s, n);
}

struct rd {
	const unsigned char *p;
	size_t n, at;
	bool bad;
};

static uint64_t
get_be(struct rd *r, int bytes)
{
	if (r->bad || r->at > r->n || r->n - r->at < (size_t)bytes) {
		r->bad = true;
		return 0;
	}
	uint64_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | r->p[r->at++];
	return v;
}

static void
get_str(struct rd *r, char *out, size_t size)
{
	size_t n = (size_t)get_be(r, 2);
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

/* --- small named values: the peer, the upstream, owners' versions ----------- */

static int
meta_u64(store_txn *t, const char *name, uint64_t *v)
{
	void *d;
	size_t n;
	*v = 0;
	int err = store_meta_get(t, name, &d, &n);
	if (err == STORE_NOTFOUND)
		return 0;
	if (err)
		return err;
	const unsigned char *p = d;
	if (n == 8)
		for (int i = 0; i < 8; i++)
			*v = *v << 8 | p[i];
	free(d);
	return 0;
}

static int
meta_put_be(store_txn *t, const char *name, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (56 - 8 * i));
	return store_meta_put(t, name, b, 8);
}

static void
peer_name(char *out, size_t size, uint64_t site)
{
	snprintf(out, size, "sync/peer/%012" PRIx64, site);
}

static void
peer_parse(struct sync_peer *p, const char *d, size_t n)
{
	char *s = strndup(d, n), *save = NULL;
	if (!s)
		return;
	for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '=');
		if (!eq)
			continue;
		*eq++ = '\0';
		unsigned long long v = strtoull(eq, NULL, 10);
		if (strcmp(l, "unit") == 0)
			snprintf(p->unit, sizeof p->unit, "%s", eq);
		else if (strcmp(l, "recv") == 0)
			p->recv = v;
		else if (strcmp(l, "acked") == 0)
			p->acked = v;
		else if (strcmp(l, "last") == 0)
			p->last = (int64_t)v;
		else if (strcmp(l, "in") == 0)
			p->last_in = (size_t)v;
		else if (strcmp(l, "out") == 0)
			p->last_out = (size_t)v;
		else if (strcmp(l, "forms") == 0)
			snprintf(p->forms, sizeof p->forms, "%s", eq);
	}
	free(s);
}

static int
peer_get(store_txn *t, uint64_t site, struct sync_peer *p)
{
	char name[64];
	memset(p, 0, sizeof *p);
	p->site = site;
	if (!site)
		return 0;
	peer_name(name, sizeof name, site);
	void *d;
	size_t n;
	int err = store_meta_get(t, name, &d, &n);
	if (err == STORE_NOTFOUND)
		return 0;
	if (err)
		return err;
	peer_parse(p, d, n);
	free(d);
	return 0;
}

static int
peer_put(store_txn *t, const struct sync_peer *p)
{
	char name[64], v[500];
	peer_name(name, sizeof name, p->site);
	int n = snprintf(v, sizeof v,
	                 "unit=%s\nrecv=%" PRIu64 "\nacked=%" PRIu64 "\nlast=%lld\nin=%zu\nout=%zu\nforms=%s\n",
	                 p->unit, p->recv, p->acked, (long long)p->last, p->last_in, p->last_out,
	                 p->forms);
	return store_meta_put(t, name, v, (size_t)n);
}

struct find_peer {
	const char *unit;
	struct sync_peer best;
};

static int
find_peer_fn(const char *name, const void *data, size_t len, void *ctx)
{
	struct find_peer *fp = ctx;
	struct sync_peer p = {0};
	peer_parse(&p, data, len);
	p.site = strtoull(name + strlen("sync/peer/"), NULL, 16);
	if (strcmp(p.unit, fp->unit) == 0 && p.last >= fp->best.last)
		fp->best = p;
	return 0;
}

/* Owners' versions: "sync/sv/ID" = the owner's version last taken here
 * and the copy's version it was saved as (u32 BE each). */
static int
sv_get(store_txn *t, const rec_id *id, uint32_t *owner, uint32_t *here, bool *have)
{
	char name[96], idt[REC_ID_TEXTMAX];
	snprintf(name, sizeof name, "sync/sv/%s", rec_id_format(id, idt));
	void *d;
	size_t n;
	*have = false;
	*owner = *here = 0;
	int err = store_meta_get(t, name, &d, &n);
	if (err == STORE_NOTFOUND)
		return 0;
	if (err)
		return err;
	const unsigned char *p = d;
	if (n == 8) {
		*owner = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
		*here = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
		*have = true;
	}
	free(d);
	return 0;
}

static int
sv_put(store_txn *t, const rec_id *id, uint32_t owner, uint32_t here)
{
	char name[96], idt[REC_ID_TEXTMAX];
	snprintf(name, sizeof name, "sync/sv/%s", rec_id_format(id, idt));
	unsigned char b[8] = {
		(unsigned char)(owner >> 24), (unsigned char)(owner >> 16), (unsigned char)(owner >> 8),
		(unsigned char)owner,         (unsigned char)(here >> 24),  (unsigned char)(here >> 16),
		(unsigned char)(here >> 8),   (unsigned char)here,
	};
	return store_meta_put(t, name, b, 8);
}

/* --- records ------------------------------------------------------------- */

/* Whether a and b say the same (their fields; ids, versions and stamps
 * aside), leaving out the field skip when not NULL. */
static bool
same_fields(const record *a, const record *b, const char *skip)
{
	size_t na = 0, nb = 0;
	for (size_t i = 0; i < a->nfields; i++) {
		if (skip && strcmp(a->fields[i].name, skip) == 0)
			continue;
		na++;
		const char *v = record_get(b, a->fields[i].name);
		if (!v || strcmp(v, a->fields[i].value) != 0)
			return false;
	}
	for (size_t i = 0; i < b->nfields; i++)
		nb += !(skip && strcmp(b->fields[i].name, skip) == 0);
	return na == nb;
}

/* The unit (id text) a unit argument names: an id text or a division code. */
static int
unit_of(store_txn *t, const char *arg, char out[REC_ID_TEXTMAX])
{
	rec_id id;
	record *u = NULL;
	*out = '\0';
	if (rec_id_parse(arg, &id) == 0) {
		if (id.kind != REC_UNIT)
			return SYNC_ERR_UNIT;
		int err = store_get(t, &id, &u);
		if (err)
			return err == STORE_NOTFOUND || err == STORE_DENIED ? SYNC_ERR_UNIT : err;
		record_free(u);
		snprintf(out, REC_ID_TEXTMAX, "%s", arg);
		return 0;
	}
	int err = orgunit_by_code(t, arg, &u);
	if (err)
		return err == STORE_NOTFOUND ? SYNC_ERR_UNIT : err;
	rec_id_format(&u->id, out);
	record_free(u);
	return 0;
}

static bool
may_reach(const struct scope *sc, const char *unit)
{
	return sc && (sc->role == ROLE_ADMIN || scope_in_reach(sc, unit)) && sc->role != ROLE_SUPERVISOR;
}

/* --- the forms ------------------------------------------------------------- */

struct forms {
	size_t n;
	char **name;
	unsigned char **data;
	size_t *len;
	char hash[65];
};

static bool
form_file(const char *name)
{
	size_t n = strlen(name);
	if (!n || n > 64 || name[0] == '.')
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		      *p == '.'))
			return false;
	return strcmp(name, "choices") == 0 || (n > 5 && strcmp(name + n - 5, ".form") == 0) ||
	       (n > 7 && strcmp(name + n - 7, ".fields") == 0);
}

static void
forms_free(struct forms *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->name[i]);
		free(f->data[i]);
	}
	free(f->name);
	free(f->data);
	free(f->len);
	memset(f, 0, sizeof *f);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The SHA-256 (hex) of the files: each name, NUL, length (8 BE), bytes. */
static void
forms_hash(struct forms *f)
{
	struct sha256 h;
	sha256_init(&h);
	for (size_t i = 0; i < f->n; i++) {
		unsigned char l[8];
		for (int k = 0; k < 8; k++)
			l[k] = (unsigned char)((uint64_t)f->len[i] >> (56 - 8 * k));
		sha256_update(&h, f->name[i], strlen(f->name[i]) + 1);
		sha256_update(&h, l, 8);
		sha256_update(&h, f->data[i], f->len[i]);
	}
	unsigned char sum[SHA256_LEN];
	sha256_final(&h, sum);
	for (int k = 0; k < SHA256_LEN; k++)
		snprintf(f->hash + 2 * k, 3, "%02x", sum[k]);
}

static int read_all(int fd, unsigned char **out, size_t *len, size_t max);
static int write_all(int fd, const unsigned char *p, size_t n);

/* The form files of dir, by name, and their hash; an unreadable folder
 * gives none (and an empty hash). */
static int
forms_read(const char *dir, struct forms *f)
{
	memset(f, 0, sizeof *f);
	DIR *d = dir ? opendir(dir) : NULL;
	if (!d)
		return 0;
	struct dirent *e;
	size_t cap = 0;
	int err = 0;
	while (!err && (e = readdir(d))) {
		if (!form_file(e->d_name))
			continue;
		if (f->n == cap) {
			cap = cap ? cap * 2 : 32;
			char **nn = realloc(f->name, cap * sizeof *nn);
			if (!nn) {
				err = STORE_NOMEM;
				break;
			}
			f->name = nn;
		}
		if (!(f->name[f->n] = strdup(e->d_name)))
			err = STORE_NOMEM;
		else
			f->n++;
	}
	closedir(d);
	if (!err && f->n) {
		qsort(f->name, f->n, sizeof *f->name, cmp_str);
		f->data = calloc(f->n, sizeof *f->data);
		f->len = calloc(f->n, sizeof *f->len);
		if (!f->data || !f->len)
			err = STORE_NOMEM;
	}
	for (size_t i = 0; i < f->n && !err; i++) {
		char *path = NULL;
		if (asprintf(&path, "%s/%s", dir, f->name[i]) < 0) {
			err = STORE_NOMEM;
			break;
		}
		int fd = open(path, O_RDONLY);
		free(path);
		if (fd < 0 || read_all(fd, &f->data[i], &f->len[i], SYNC_MAX_BYTES)) {
			if (fd >= 0)
				close(fd);
			err = STORE_IO;
			break;
		}
		close(fd);
	}
	if (err) {
		forms_free(f);
		return err;
	}
	if (f->n)
		forms_hash(f);
	return 0;
}

static int
remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char *p = NULL;
		if (asprintf(&p, "%s/%s", dir, e->d_name) >= 0) {
			unlink(p);
			free(p);
		}
	}
	closedir(d);
	return rmdir(dir);
}

/* --- the exchange keys ------------------------------------------------------ */

/* A township's key for the village unit: *have, and *confirmed when the
 * village's PC has sealed a file with it. */
static int
key_get(store_txn *t, const char *unit, unsigned char key[SYNC_KEYLEN], bool *have,
        bool *confirmed)
{
	char name[96];
	void *d;
	size_t n;
	*have = *confirmed = false;
	snprintf(name, sizeof name, "sync/key/%s", unit);
	int err = store_meta_get(t, name, &d, &n);
	if (err == STORE_NOTFOUND)
		return 0;
	if (err)
		return err;
	if (n == SYNC_KEYLEN + 1) {
		memcpy(key, d, SYNC_KEYLEN);
		*have = true;
		*confirmed = ((const unsigned char *)d)[SYNC_KEYLEN] != 0;
	}
	free(d);
	return 0;
}

static int
key_put(store_txn *t, const char *unit, const unsigned char key[SYNC_KEYLEN], bool confirmed)
{
	char name[96];
	unsigned char v[SYNC_KEYLEN + 1];
	snprintf(name, sizeof name, "sync/key/%s", unit);
	memcpy(v, key, SYNC_KEYLEN);
	v[SYNC_KEYLEN] = confirmed;
	return store_meta_put(t, name, v, sizeof v);
}

/* A village PC's own key (meta "sync/key"). */
static int
own_key_get(store_txn *t, unsigned char key[SYNC_KEYLEN], bool *have)
{
	void *d;
	size_t n;
	*have = false;
	int err = store_meta_get(t, "sync/key", &d, &n);
	if (err == STORE_NOTFOUND)
		return 0;
	if (err)
		return err;
	if (n == SYNC_KEYLEN) {
		memcpy(key, d, SYNC_KEYLEN);
		*have = true;
	}
	free(d);
	return 0;
}

/* --- making a file --------------------------------------------------------- */

struct make_ctx {
	store *st;
	const struct scope *sc;
	const char *for_unit;
	uint64_t peer_site;
	struct sync_stats *stats;
	sync_progress_fn progress;
	void *pctx;
	char *why;
	size_t whysize;
	bool count_only;
	/* out */
	struct buf b;
	size_t count, countpos, pending_refs;
	struct sync_peer peer;
	char unit[REC_ID_TEXTMAX];
	struct scope *view;
	uint64_t local;
	size_t nchanges, seen;
	struct forms fm;     /* this side's forms */
	size_t nforms_sent;
	bool have_key;       /* the file is sealed with key */
	bool send_key;       /* and carries it (the village has not shown it has it) */
	bool new_key;        /* made now: kept in sync/key/UNIT when the file is */
	unsigned char key[SYNC_KEYLEN];
	char key_unit[REC_ID_TEXTMAX];
};

/* Whether r goes to the peer. */
static int
goes(store_txn *t, struct make_ctx *mc, const record *r, bool *yes)
{
	*yes = false;
	if (!scope_may_read(mc->view, r))
		return 0;
	if (r->id.site == mc->local && r->id.kind != REC_REFERRAL) {
		*yes = true;
		return 0;
	}
	uint32_t owner, here;
	bool have;
	int err = sv_get(t, &r->id, &owner, &here, &have);
	if (r->id.kind == REC_REFERRAL) {
		/* another's referral goes whenever it changed here since it came */
		*yes = !err && (!have || here != r->version);
		return err;
	}
	if (mc->peer.site && r->id.site == mc->peer.site) {
		/* theirs: they have the owner's newest, unless it was changed
		 * here, which they are shown */
		*yes = !err && have && here != r->version;
		return err;
	}
	/* a copy changed here (a need's status following a referral) is not
	 * the owner's version: it is not passed on */
	*yes = !err && (!have || here == r->version);
	return err;
}

static int
add_change(uint64_t n, const rec_id *id, void *ctx)
{
	(void)n;
	store_txn **tp = ctx;
	store_txn *t = tp[0];
	struct make_ctx *mc = (struct make_ctx *)tp[1];
	record *r;
	int err = store_get(t, id, &r);
	if (err == STORE_NOTFOUND)
		return 0;
	if (err)
		return err;
	bool yes;
	err = goes(t, mc, r, &yes);
	if (!err && yes) {
		mc->count++;
		if (r->id.kind == REC_REFERRAL)
			mc->pending_refs++;
		if (!mc->count_only) {
			size_t len;
			unsigned char *enc = record_encode(r, &len);
			unsigned char key[REC_KEYLEN];
			if (!enc) {
				record_free(r);
				return STORE_NOMEM;
			}
			rec_id_to_key(&r->id, key);
			put_be(&mc->b, REC_KEYLEN + len, 4);
			put_bytes(&mc->b, key, REC_KEYLEN);
			put_bytes(&mc->b, enc, len);
			free(enc);
			if (mc->b.oom)
				err = STORE_NOMEM;
			if (r->id.kind == REC_REFERRAL)
				mc->stats->sent_referrals++;
			else if (r->id.kind == REC_SERVICE)
				mc->stats->sent_services++;
		}
	}
	record_free(r);
	mc->seen++;
	if (mc->progress && !mc->count_only && (mc->seen & 255) == 0)
		mc->progress(0, mc->seen, mc->nchanges, mc->pctx);
	return err;
}

static int
count_changes(uint64_t n, const rec_id *id, void *ctx)
{
	(void)n;
	(void)id;
	(*(size_t *)ctx)++;
	return 0;
}

static int
make_txn(store_txn *t, void *ctx)
{
	struct make_ctx *mc = ctx;
	store *st = store_txn_store(t);
	mc->local = store_site(st);
	uint64_t upstream;
	size_t units = 0;
	int err = meta_u64(t, "sync/upstream", &upstream);
	if (!err)
		err = store_count(t, REC_UNIT, &units);
	if (err)
		return err;
	store_txn_trust(t, true);
	if (upstream) {
		/* a village PC: for its township, as its room sees it */
		if (!mc->sc || mc->sc->role == ROLE_SUPERVISOR)
			return mc->sc ? SYNC_ERR_ROLE : SYNC_ERR_NOPEER;
		/* the village this PC serves (from the township's first file);
		 * what goes up is what that village's room may see, whoever
		 * runs the exchange */
		void *u = NULL;
		size_t ulen = 0;
		err = peer_get(t, upstream, &mc->peer);
		if (!err && (err = store_meta_get(t, "sync/unit", &u, &ulen)) == STORE_NOTFOUND) {
			err = 0;
			snprintf(mc->unit, sizeof mc->unit, "%s", mc->sc->unit);
		} else if (!err) {
			snprintf(mc->unit, sizeof mc->unit, "%.*s", (int)ulen, (const char *)u);
		}
		free(u);
		if (!err && !may_reach(mc->sc, mc->unit))
			err = SYNC_ERR_UNIT;
		if (!err)
			err = own_key_get(t, mc->key, &mc->have_key);
		if (!err)
			err = scope_for_unit(t, mc->sc->login, mc->unit, &mc->view);
		if (err == STORE_INVALID || err == STORE_NOTFOUND)
			err = SYNC_ERR_UNIT;
	} else if (units == 0) {
		/* an empty database asking to join: an empty file */
		mc->view = NULL;
		mc->unit[0] = '\0';
	} else {
		if (!mc->sc)
			return SYNC_ERR_NOPEER;
		if (mc->sc->role == ROLE_SUPERVISOR)
			return SYNC_ERR_ROLE;
		if (!mc->for_unit || !*mc->for_unit)
			return SYNC_ERR_NOPEER;
		char unit[REC_ID_TEXTMAX];
		if ((err = unit_of(t, mc->for_unit, unit)))
			return err;
		if (!may_reach(mc->sc, unit))
			return SYNC_ERR_UNIT;
		err = scope_for_unit(t, mc->sc->login, unit, &mc->view);
		if (err == STORE_INVALID)
			return SYNC_ERR_UNIT;
		if (err)
			return err;
		if (mc->peer_site) {
			err = peer_get(t, mc->peer_site, &mc->peer);
		} else {
			struct find_peer fp = {unit, {0}};
			err = store_meta_each(t, "sync/peer/", find_peer_fn, &fp);
			mc->peer = fp.best;
		}
		snprintf(mc->peer.unit, sizeof mc->peer.unit, "%s", unit);
		snprintf(mc->unit, sizeof mc->unit, "%s", mc->sc->unit);
		/* the village's key: made the first time, carried until its PC
		 * has sealed a file with it */
		bool confirmed = false;
		if (!err)
			err = key_get(t, unit, mc->key, &mc->have_key, &confirmed);
		if (!err && !mc->have_key && !mc->count_only) {
			if (getrandom(mc->key, SYNC_KEYLEN, 0) != SYNC_KEYLEN)
				err = STORE_IO;
			mc->have_key = mc->new_key = true;
		}
		mc->send_key = mc->have_key && !confirmed;
		snprintf(mc->key_unit, sizeof mc->key_unit, "%s", unit);
		/* the village's own worker answered over ssh (sync --serve): the
		 * file still comes from the township above the village */
		rec_id vid;
		record *vu;
		if (!err && strcmp(unit, mc->sc->unit) == 0 && rec_id_parse(unit, &vid) == 0 &&
		    store_get(t, &vid, &vu) == 0) {
			const char *parent = record_get(vu, "parent");
			if (parent && *parent)
				snprintf(mc->unit, sizeof mc->unit, "%s", parent);
			record_free(vu);
		}
	}
	if (err)
		return err;
	uint64_t top = 0;
	if ((err = store_change_last(t, &top)))
		return err;
	mc->count = 0;
	mc->pending_refs = 0;
	mc->seen = 0;
	mc->b.n = 0;
	if (!mc->count_only) {
		mc->nchanges = 0;
		store_changes(t, mc->peer.acked, count_changes, &mc->nchanges);
		put_bytes(&mc->b, SYNC_MAGIC, 16);
		put_be(&mc->b, SYNC_FORMAT, 4);
		put_be(&mc->b, mc->local, 8);
		put_be(&mc->b, mc->peer.site, 8);
		put_be(&mc->b, mc->peer.acked, 8);
		put_be(&mc->b, units ? top : 0, 8);
		put_be(&mc->b, mc->peer.recv, 8);
		put_be(&mc->b, (uint64_t)(int64_t)time(NULL), 8);
		put_str(&mc->b, mc->unit);
		put_str(&mc->b, mc->sc ? mc->sc->login : store_user(st));
		put_str(&mc->b, upstream ? "" : mc->peer.unit);
		put_str(&mc->b, mc->fm.hash);
		put_be(&mc->b, mc->send_key ? SYNC_KEYLEN : 0, 2);
		if (mc->send_key)
			put_bytes(&mc->b, mc->key, SYNC_KEYLEN);
		mc->countpos = mc->b.n;
		put_be(&mc->b, 0, 4);
	}
	if (units) {
		store_txn *tp[2] = {t, (store_txn *)(void *)mc};
		err = store_changes(t, mc->peer.acked, add_change, tp);
	}
	store_txn_trust(t, false);
	/* a township's forms go to a village PC that said it has others */
	mc->nforms_sent = 0;
	if (!err && !mc->count_only) {
		bool send = !upstream && units && mc->fm.n && strcmp(mc->peer.forms, mc->fm.hash) != 0;
		put_be(&mc->b, send ? mc->fm.n : 0, 4);
		for (size_t i = 0; send && i < mc->fm.n; i++) {
			put_str(&mc->b, mc->fm.name[i]);
			put_be(&mc->b, mc->fm.len[i], 4);
			put_bytes(&mc->b, mc->fm.data[i], mc->fm.len[i]);
		}
		mc->nforms_sent = send ? mc->fm.n : 0;
	}
	if (err)
		return err;
	if (mc->b.oom)
		return STORE_NOMEM;
	return 0;
}

struct out_log {
	struct sync_peer *peer;
	size_t count;
	char note[256];
	const struct make_ctx *mc;
};

static int
log_out_txn(store_txn *t, void *ctx)
{
	struct out_log *ol = ctx;
	if (ol->mc->new_key) {
		/* the key the file carries, unless another exchange made one
		 * meanwhile (then this file's would never match: made again) */
		unsigned char k[SYNC_KEYLEN];
		bool have, confirmed;
		int err = key_get(t, ol->mc->key_unit, k, &have, &confirmed);
		if (!err && have)
			err = STORE_CONFLICT;
		if (!err)
			err = key_put(t, ol->mc->key_unit, ol->mc->key, false);
		if (err)
			return err;
	}
	if (ol->peer->site) {
		struct sync_peer p;
		int err = peer_get(t, ol->peer->site, &p);
		if (err)
			return err;
		snprintf(p.unit, sizeof p.unit, "%s", ol->peer->unit);
		p.last_out = ol->count;
		if ((err = peer_put(t, &p)))
			return err;
	}
	return audit_log(t, "sync-out", NULL, 0, 0, ol->note);
}

int
sync_make(store *st, const struct scope *sc, const char *for_unit, uint64_t peer_site,
          unsigned char **buf, size_t *len, struct sync_stats *stats, sync_progress_fn progress,
          void *pctx, char *why, size_t whysize)
{
	struct sync_stats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof *stats);
	*buf = NULL;
	*len = 0;
	if (why && whysize)
		*why = '\0';
	struct make_ctx mc = {.st = st, .sc = sc, .for_unit = for_unit, .peer_site = peer_site,
	                      .stats = stats, .progress = progress, .pctx = pctx, .why = why,
	                      .whysize = whysize};
	int err = forms_read(paths_forms(), &mc.fm);
	if (!err)
		err = store_read(st, make_txn, &mc);
	scope_free(mc.view);
	forms_free(&mc.fm);
	stats->forms = mc.nforms_sent;
	if (err) {
		free(mc.b.p);
		return err;
	}
	for (int i = 0; i < 4; i++)
		mc.b.p[mc.countpos + (size_t)i] = (unsigned char)(mc.count >> (24 - 8 * i));
	unsigned char sum[SHA256_LEN];
	put_be(&mc.b, mc.have_key ? SYNC_KEYLEN : 0, 2);
	if (mc.have_key && !mc.b.oom) {
		hmac_sha256(mc.key, SYNC_KEYLEN, mc.b.p, mc.b.n - 2, sum);
		put_bytes(&mc.b, sum, SHA256_LEN);
	}
	if (!mc.b.oom)
		sha256(mc.b.p, mc.b.n, sum);
	put_bytes(&mc.b, sum, SHA256_LEN);
	if (mc.b.oom) {
		free(mc.b.p);
		return STORE_NOMEM;
	}
	stats->sent = mc.count;
	stats->bytes = mc.b.n;
	stats->peer_site = mc.peer.site;
	snprintf(stats->peer_unit, sizeof stats->peer_unit, "%s", mc.peer.unit);
	if (progress)
		progress(0, mc.nchanges, mc.nchanges, pctx);
	struct out_log ol = {&mc.peer, mc.count, "", &mc};
	snprintf(ol.note, sizeof ol.note, "to %s%s%012" PRIx64 ": %zu records (%zu referrals), %zu bytes",
	         mc.peer.unit, *mc.peer.unit ? " " : "", mc.peer.site, mc.count, stats->sent_referrals,
	         mc.b.n);
	err = store_write(st, log_out_txn, &ol);
	if (err) {
		free(mc.b.p);
		return err;
	}
	*buf = mc.b.p;
	*len = mc.b.n;
	return 0;
}

/* --- reading and applying a file ---------------------------------------- */

int
sync_read_header(const unsigned char *buf, size_t len, struct sync_header *h)
{
	memset(h, 0, sizeof *h);
	if (len < 16 + 4 || memcmp(buf, SYNC_MAGIC, 16) != 0)
		return SYNC_ERR_DAMAGED;
	struct rd r = {buf, len, 16, false};
	uint32_t format = (uint32_t)get_be(&r, 4);
	if (format > SYNC_FORMAT)
		return SYNC_ERR_NEWER;
	if (format < 1 || len < HEAD_FIXED + 2 + 2 + 2 + 2 + 4 + 4 + SHA256_LEN)
		return SYNC_ERR_DAMAGED;
	h->format = format;
	unsigned char sum[SHA256_LEN];
	sha256(buf, len - SHA256_LEN, sum);
	if (memcmp(sum, buf + len - SHA256_LEN, SHA256_LEN) != 0)
		return SYNC_ERR_DAMAGED;
	r.n = len - SHA256_LEN;
	h->from_site = get_be(&r, 8);
	h->to_site = get_be(&r, 8);
	h->base = get_be(&r, 8);
	h->top = get_be(&r, 8);
	h->ack = get_be(&r, 8);
	h->made = (int64_t)get_be(&r, 8);
	get_str(&r, h->from_unit, sizeof h->from_unit);
	get_str(&r, h->from_login, sizeof h->from_login);
	get_str(&r, h->to_unit, sizeof h->to_unit);
	get_str(&r, h->forms_hash, sizeof h->forms_hash);
	if (format >= 2) {
		size_t k = (size_t)get_be(&r, 2);
		if (k == SYNC_KEYLEN && r.n - r.at >= k) {
			memcpy(h->key, r.p + r.at, k);
			h->has_key = true;
			r.at += k;
		} else if (k) {
			r.bad = true;
		}
	}
	h->count = (uint32_t)get_be(&r, 4);
	h->entries_at = r.at;
	if (r.bad || h->from_site == 0)
		return SYNC_ERR_DAMAGED;
	/* every entry must be whole before anything is applied */
	for (uint32_t i = 0; i < h->count && !r.bad; i++) {
		size_t n = (size_t)get_be(&r, 4);
		if (r.bad || n < REC_KEYLEN || r.n - r.at < n)
			r.bad = true;
		else
			r.at += n;
	}
	h->forms_at = r.at;
	h->nforms = (uint32_t)get_be(&r, 4);
	for (uint32_t i = 0; i < h->nforms && !r.bad; i++) {
		char name[80];
		get_str(&r, name, sizeof name);
		size_t n = (size_t)get_be(&r, 4);
		if (r.bad || !form_file(name) || r.n - r.at < n)
			r.bad = true;
		else
			r.at += n;
	}
	h->sealed_len = r.at;
	if (format >= 2) {
		size_t k = (size_t)get_be(&r, 2);
		if (k == SYNC_KEYLEN && r.n - r.at >= k) {
			memcpy(h->seal, r.p + r.at, k);
			h->sealed = true;
			r.at += k;
		} else if (k) {
			r.bad = true;
		}
	}
	if (r.bad || r.at != r.n)
		return SYNC_ERR_DAMAGED;
	return 0;
}

/* Whether the file buf (checked: h) is sealed with key. */
static bool
sealed_with(const unsigned char *buf, const struct sync_header *h,
            const unsigned char key[SYNC_KEYLEN])
{
	unsigned char mac[SHA256_LEN];
	if (!h->sealed)
		return false;
	hmac_sha256(key, SYNC_KEYLEN, buf, h->sealed_len, mac);
	return sha256_equal(mac, h->seal);
}

/* The form files of a checked file into dir (made), then loaded as the
 * program would: 0, or SYNC_ERR_FORMS with FILE:LINE and the fault. */
static int
forms_unpack(const unsigned char *buf, size_t len, const char *dir, char *why, size_t whysize)
{
	struct sync_header h;
	int err = sync_read_header(buf, len, &h);
	if (err)
		return err;
	struct rd r = {buf, len - SHA256_LEN, h.forms_at, false};
	get_be(&r, 4);
	remove_tree(dir);
	if (mkdir(dir, 0770) < 0)
		return store_map_error(errno);
	for (uint32_t i = 0; i < h.nforms && !err; i++) {
		char name[80], *path = NULL;
		get_str(&r, name, sizeof name);
		size_t n = (size_t)get_be(&r, 4);
		if (asprintf(&path, "%s/%s", dir, name) < 0)
			return STORE_NOMEM;
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0660);
		free(path);
		if (fd < 0 || write_all(fd, r.p + r.at, n) || fsync(fd) < 0)
			err = STORE_IO;
		if (fd >= 0)
			close(fd);
		r.at += n;
	}
	if (!err) {
		struct form_error fe = {0};
		struct formset *fs = formset_load(dir, &fe);
		if (!fs) {
			if (why && whysize)
				snprintf(why, whysize, "%s\n%s:%d: %s", sync_strerror(SYNC_ERR_FORMS),
				         fe.file, fe.line, fe.msg);
			err = SYNC_ERR_FORMS;
		}
		formset_free(fs);
	}
	if (err)
		remove_tree(dir);
	return err;
}

struct apply_ctx {
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

static const char *
now_text(char *out, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(out, size, "%Y-%m-%d %H:%M", &tm);
	return out;
}

/* Keep a notice (once: a notice already there, settled or not, stays as
 * it is). */
static int
notice_add(store_txn *t, struct apply_ctx *ac, const rec_id *id, const char *what,
           const char *tag, const char *text)
{
	char name[112], idt[REC_ID_TEXTMAX];
	snprintf(name, sizeof name, "sync/notice/%s/%s", rec_id_format(id, idt), tag);
	void *d;
	size_t n;
	int err = store_meta_get(t, name, &d, &n);
	if (err == 0) {
		free(d);
		return 0;
	}
	if (err != STORE_NOTFOUND)
		return err;
	char *v = NULL;
	int len = asprintf(&v, "open\t%lld\t%s\t%s", (long long)time(NULL), what, text);
	if (len < 0)
		return store_txn_fail(t, STORE_NOMEM);
	err = store_meta_put(t, name, v, (size_t)len);
	free(v);
	if (!err) {
		ac->stats->notices++;
		err = audit_log(t, "sync-notice", id, 0, 0, what);
	}
	return err;
}

/* "2026-11-29 10:15 anning submit note" from a history line. */
static void
line_text(const char *line, char *out, size_t size)
{
	snprintf(out, size, "%s", line);
	for (char *p = out; *p; p++)
		if (*p == '\t')
			*p = ' ';
}

/* A referral's number ZJ-CODE-YEAR-NNNN taken here: this database's
 * count for that unit and year (refer.c, meta "refno/CODE/YEAR") is kept
 * at least as high, so a slip numbered here next follows it. */
static int
follow_number(store_txn *t, const record *r)
{
	const char *num = record_get(r, "number");
	char code[16], year[8];
	unsigned long n;
	if (!num || sscanf(num, "ZJ-%15[0-9]-%4[0-9]-%lu", code, year, &n) != 3)
		return 0;
	char name[64];
	snprintf(name, sizeof name, "refno/%s/%s", code, year);
	uint64_t have;
	int err = meta_u64(t, name, &have);
	if (!err && n > have)
		err = meta_put_be(t, name, n);
	return err;
}

/* The time a referral's copy came here (refer.c's news reads it). */
static int
mark_arrival(store_txn *t, const rec_id *id)
{
	char name[96], idt[REC_ID_TEXTMAX];
	snprintf(name, sizeof name, "sync/arrived/%s", rec_id_format(id, idt));
	return meta_put_be(t, name, (uint64_t)(int64_t)time(NULL));
}

static int
take_referral(store_txn *t, struct apply_ctx *ac, record *in, record *local)
{
	bool owner_here = local->id.site == ac->local;
	struct refer_merge m;
	if (refer_merge(owner_here ? local : in, owner_here ? in : local, &m))
		return store_txn_fail(t, STORE_NOMEM);
	int err = 0;
	enum ref_state before = refer_state(local);
	if (same_fields(m.merged, local, NULL)) {
		ac->stats->same++;
	} else {
		m.merged->version = local->version;
		err = store_put(t, m.merged);
		if (!err)
			err = mark_arrival(t, &m.merged->id);
		if (!err && m.state != before)
			err = refer_follow_needs(t, m.merged, m.state, m.outcome);
		ac->stats->merged++;
	}
	/* when the copy here had nothing the other side lacks, the other side
	 * has it all: it need not go back (unless it changes here again) */
	bool had_more = owner_here ? m.changed_other : m.changed_owner;
	if (!err && !had_more)
		err = sv_put(t, &local->id, in->version, m.merged->version);
	for (size_t i = 0; i < m.nrefused && !err; i++) {
		char tag[20], text[600], line[400];
		unsigned char h[SHA256_LEN];
		sha256(m.refused[i], strlen(m.refused[i]), h);
		snprintf(tag, sizeof tag, "s%02x%02x%02x%02x", h[0], h[1], h[2], h[3]);
		line_text(m.refused[i], line, sizeof line);
		snprintf(text, sizeof text,
		         _("Referral %s: the two sides took steps on it between exchanges, and once "
		           "they were put together in time order the step \"%s\" could no longer be "
		           "taken: the referral had moved on before it. It is kept in the history, not "
		           "applied; the referral is now \"%s\". Agree with the other side what "
		           "should happen, take a step again if one is still needed, then mark this "
		           "notice settled."),
		         record_get(m.merged, "number") ? record_get(m.merged, "number") : "", line,
		         referral_state_label(m.state));
		err = notice_add(t, ac, &in->id, "step", tag, text);
	}
	refer_merge_free(&m);
	return err;
}

/* A notice of what a change made here had that the owner's version
 * replaces. */
static int
diff_notice(store_txn *t, struct apply_ctx *ac, const record *local, const record *in,
            bool theirs)
{
	struct buf b = {0};
	char head[600], idt[REC_ID_TEXTMAX];
	if (theirs)
		snprintf(head, sizeof head,
		         _("%s, a record made here, was changed by the other side (by %s). This "
		           "side's version stays; if their change is right, make it here too. What "
		           "this side has, beside what they sent:"),
		         rec_id_format(&local->id, idt), in->updated_by ? in->updated_by : "?");
	else
		snprintf(head, sizeof head,
		         _("%s changed here (version %u, by %s) was replaced by the version of the "
		           "site that made it. What the change here had, beside what came:"),
		         rec_id_format(&local->id, idt), (unsigned)local->version,
		         local->updated_by ? local->updated_by : "?");
	put_bytes(&b, head, strlen(head));
	for (size_t i = 0; i < local->nfields; i++) {
		const rec_field *f = &local->fields[i];
		const char *v = record_get(in, f->name);
		if (v && strcmp(v, f->value) == 0)
			continue;
		char *line = shown_change_line(f->name, f->value, v);
		if (!line)
			return store_txn_fail(t, STORE_NOMEM);
		put_bytes(&b, line, strlen(line));
		free(line);
	}
	for (size_t i = 0; i < in->nfields; i++) {
		if (record_get(local, in->fields[i].name))
			continue;
		char *line = shown_change_line(in->fields[i].name, "", in->fields[i].value);
		if (!line)
			return store_txn_fail(t, STORE_NOMEM);
		put_bytes(&b, line, strlen(line));
		free(line);
	}
	put_bytes(&b, "", 1);
	if (b.oom) {
		free(b.p);
		return store_txn_fail(t, STORE_NOMEM);
	}
	char tag[20];
	snprintf(tag, sizeof tag, "%s%u", theirs ? "t" : "r",
	         (unsigned)(theirs ? in->version : local->version));
	int err = notice_add(t, ac, &local->id, theirs ? "theirs" : "replaced", tag, (char *)b.p);
	free(b.p);
	return err;
}

/* Refuse the whole file: the record and what is wrong with it. */
static int
refuse(store_txn *t, struct apply_ctx *ac, const rec_id *id, const char *what)
{
	char idt[REC_ID_TEXTMAX];
	if (ac->why && ac->whysize && !*ac->why)
		snprintf(ac->why, ac->whysize,
		         _("The exchange file carries a record the side that wrote it could not have "
		           "typed (%s): %s. Nothing was taken from it."),
		         rec_id_format(id, idt), what);
	return store_txn_fail(t, SYNC_ERR_FORGED);
}

/* The number of fields an entry's encoding says it has (record.c's:
 * format, kind, version, form version, two stamps, two logins, count),
 * read before it is decoded, whose cost grows with their square. */
static uint64_t
entry_fields(const unsigned char *p, size_t len)
{
	struct rd r = {p, len, 2, len < 2};
	uint64_t v = 0;
	for (int k = 0; k < 7 && !r.bad; k++) {
		v = 0;
		for (int shift = 0;; shift += 7) {
			if (r.at >= r.n || shift > 63) {
				r.bad = true;
				break;
			}
			unsigned char b = r.p[r.at++];
			v |= (uint64_t)(b & 0x7f) << shift;
			if (!(b & 0x80))
				break;
		}
		if (k == 4 || k == 5) {   /* a login: its length, then its bytes */
			if (v > r.n - r.at)
				r.bad = true;
			else
				r.at += (size_t)v;
		}
	}
	return r.bad ? 0 : v;
}

struct idnum_dup {
	const char *idnum;
	rec_id self, found;
	bool hit;
};

static int
idnum_one(const rec_id *id, const char *value, void *ctx)
{
	struct idnum_dup *d = ctx;
	if (strcmp(value, d->idnum) != 0)
		return 1;
	if (rec_id_equal(id, &d->self))
		return 0;
	d->found = *id;
	d->hit = true;
	return 1;
}

/* The checks of the form the record would have been typed into, as the
 * screen makes them on saving: every value as the form would store it,
 * one line without control characters where the form has no such field,
 * and an ID number registered for nobody else.  Not the required fields:
 * a record saved before its form gained one would be refused forever. */
static int
check_form(store_txn *t, struct apply_ctx *ac, const record *in)
{
	struct form_error fe = {0};
	if (!ac->fs && !(ac->fs = formset_load(paths_forms(), &fe))) {
		/* this side's own forms: the program would not have started */
		if (ac->why && ac->whysize)
			snprintf(ac->why, ac->whysize, "%s:%d: %s", fe.file, fe.line, fe.msg);
		return store_txn_fail(t, STORE_INVALID);
	}
	const struct form *f = formset_for_record(ac->fs, in);
	if (!f)
		return refuse(t, ac, &in->id, _("no form makes such a record"));
	char msg[300], what[400];
	for (size_t i = 0; i < in->nfields; i++) {
		const rec_field *fl = &in->fields[i];
		const struct form_field *fd = form_field(f, fl->name);
		const char *m = NULL;
		char *norm = NULL;
		if (fd)
			m = form_check_value(fd, fl->value, &norm, msg, sizeof msg);
		else if (!text_is_clean(fl->value, strlen(fl->value), 0))
			m = _("Only one line, without control characters, fits here");
		/* as the form would have stored it */
		if (!m && fd && strcmp(norm ? norm : "", fl->value) != 0)
			m = _("not as the form stores it");
		free(norm);
		if (m) {
			snprintf(what, sizeof what, "%s: %s", fl->name, m);
			return refuse(t, ac, &in->id, what);
		}
	}
	const char *idnum = record_get(in, "idnum");
	if (idnum && *idnum) {
		struct idnum_dup d = {idnum, in->id, {0}, false};
		store_txn_trust(t, true);
		int rc = store_find(t, IDX_IDNUM, in->id.kind, idnum, idnum_one, &d);
		store_txn_trust(t, false);
		if (rc && rc != 1)
			return rc;
		if (d.hit) {
			char idt[REC_ID_TEXTMAX];
			snprintf(what, sizeof what, _("the ID number %s is registered already (%s)"),
			         idnum, rec_id_format(&d.found, idt));
			return refuse(t, ac, &in->id, what);
		}
	}
	return 0;
}

/* The records a village's referral names (its person and needs) are
 * the village's: a referral cannot carry another's need, which its steps
 * would then change. */
static int
check_named(store_txn *t, struct apply_ctx *ac, const record *in)
{
	const char *res = record_get(in, "resident"), *needs = record_get(in, "needs");
	char *list = NULL;
	if (asprintf(&list, "%s,%s", res ? res : "", needs ? needs : "") < 0)
		return store_txn_fail(t, STORE_NOMEM);
	int err = 0;
	char *save = NULL;
	for (char *item = strtok_r(list, ", ", &save); item && !err;
	     item = strtok_r(NULL, ", ", &save)) {
		rec_id id;
		record *r = NULL;
		if (rec_id_parse(item, &id) < 0)
			continue;
		store_txn_trust(t, true);
		int rc = store_get(t, &id, &r);
		store_txn_trust(t, false);
		if (rc == STORE_NOTFOUND) {
			/* not here yet: only the village PC's own, coming with it */
			if (id.site != ac->h.from_site) {
				char what[200];
				snprintf(what, sizeof what, _("it names %s, which is not here"), item);
				err = refuse(t, ac, &in->id, what);
			}
			continue;
		}
		if (rc) {
			err = rc;
			break;
		}
		if (!scope_may_read(ac->vs, r)) {
			char what[200];
			snprintf(what, sizeof what, _("it names %s, which is not its village's"), item);
			err = refuse(t, ac, &in->id, what);
		}
		record_free(r);
	}
	free(list);
	return err;
}

/* What no file may bring to any side, and what a village's file may not
 * bring to its township beside its scope. */
static int
check_taken(store_txn *t, struct apply_ctx *ac, const record *in, const record *local)
{
	if (in->version > SYNC_MAX_VERSION)
		return refuse(t, ac, &in->id, _("its version number is out of range"));
	if (!local && in->id.site == ac->local)
		return refuse(t, ac, &in->id,
		              _("it says it was made on this database, which never made it"));
	if (in->id.kind == REC_REFERRAL) {
		const char *h = record_get(in, "_history");
		size_t lines = 0;
		for (const char *p = h; p && *p && lines <= SYNC_MAX_HISTORY; p++)
			lines += *p == '\n';
		if (lines >= SYNC_MAX_HISTORY)
			return refuse(t, ac, &in->id, _("its history is longer than any referral's"));
		const char *num = record_get(in, "number");
		unsigned long n = 0;
		char code[16], year[8];
		if (num && (sscanf(num, "ZJ-%15[0-9]-%4[0-9]-%lu", code, year, &n) != 3 ||
		            n > SYNC_MAX_SLIP || n == 0))
			return refuse(t, ac, &in->id, _("its slip number is not one a slip can have"));
	}
	if (ac->upstream_mode && in->id.kind == REC_REFERRAL && local && *ac->own_unit) {
		/* the township's file on its village PC: on the village's referral
		 * the township takes the receiver's steps, on one to the village
		 * the sender's */
		const char *v = record_get(local, "village"), *to = record_get(local, "to_unit");
		int side = v && strcmp(v, ac->own_unit) == 0    ? REF_RECEIVER
		           : to && strcmp(to, ac->own_unit) == 0 ? REF_SENDER
		                                                 : 0;
		char line[400];
		int rc = side ? refer_foreign_step(t, in, local, side, line, sizeof line) : 0;
		if (rc < 0)
			return store_txn_fail(t, STORE_NOMEM);
		if (rc > 0) {
			char what[600];
			if (rc == REFER_STEP_LOGIN)
				snprintf(what, sizeof what,
				         _("its history has a step in the name of someone who is not a "
				           "worker of the township's side (%s)"),
				         line);
			else
				snprintf(what, sizeof what,
				         _("its history has a step the township may not take (%s)"), line);
			return refuse(t, ac, &in->id, what);
		}
	}
	if (ac->upstream_mode || !ac->vs)
		return 0;
	/* a village's file on its township */
	if (!local && in->id.site != ac->h.from_site)
		return refuse(t, ac, &in->id,
		              _("it was made on another database than the village PC whose file it is"));
	if (in->id.kind != REC_REFERRAL)
		return check_form(t, ac, in);
	int err = check_named(t, ac, in);
	if (err)
		return err;
	char line[400];
	int side = refer_side(ac->vs, local ? local : in);
	/* the village numbers its own slips only: another unit's number would
	 * move that unit's count here */
	const char *num = record_get(in, "number");
	char code[16] = "";
	if (num && side == REF_SENDER &&
	    (sscanf(num, "ZJ-%15[0-9]-", code) != 1 || strcmp(code, ac->vs->unit_code) != 0))
		return refuse(t, ac, &in->id, _("its slip number is not its village's"));
	int rc = refer_foreign_step(t, in, local, side, line, sizeof line);
	if (rc < 0)
		return store_txn_fail(t, STORE_NOMEM);
	if (rc > 0) {
		char what[600];
		if (rc == REFER_STEP_LOGIN)
			snprintf(what, sizeof what,
			         _("its history has a step in the name of someone who is not a worker of "
			           "the village (%s)"),
			         line);
		else
			snprintf(what, sizeof what,
			         _("its history has a step the village may not take (%s)"), line);
		return refuse(t, ac, &in->id, what);
	}
	return 0;
}

/* On a township, a village's record is stamped as taken here, by the
 * worker taking it, now (its own stamps are the village PC's word, which
 * a forged file can make anything); the file's are kept beside it as
 * information, meta "sync/from/ID". */
static int
restamp(store_txn *t, struct apply_ctx *ac, record *in, const record *local)
{
	if (ac->upstream_mode || !ac->vs)
		return 0;
	char name[96], idt[REC_ID_TEXTMAX], *v = NULL;
	snprintf(name, sizeof name, "sync/from/%s", rec_id_format(&in->id, idt));
	int n = asprintf(&v, "site=%012" PRIx64 "\ncreated_by=%s\ncreated_at=%lld\nupdated_by=%s\n"
	                 "updated_at=%lld\n",
	                 ac->h.from_site, in->created_by ? in->created_by : "",
	                 (long long)in->created_at, in->updated_by ? in->updated_by : "",
	                 (long long)in->updated_at);
	if (n < 0)
		return store_txn_fail(t, STORE_NOMEM);
	int err = store_meta_put(t, name, v, (size_t)n);
	free(v);
	if (err)
		return err;
	int64_t now = (int64_t)time(NULL);
	char *cb = strdup(local && local->created_by ? local->created_by : ac->sc->login);
	char *ub = strdup(ac->sc->login);
	if (!cb || !ub) {
		free(cb);
		free(ub);
		return store_txn_fail(t, STORE_NOMEM);
	}
	free(in->created_by);
	free(in->updated_by);
	in->created_by = cb;
	in->updated_by = ub;
	in->created_at = local ? local->created_at : now;
	in->updated_at = now;
	return 0;
}

static int
take_record(store_txn *t, struct apply_ctx *ac, record *in)
{
	char idt[REC_ID_TEXTMAX];
	record *local = NULL;
	store_txn_trust(t, true);
	int err = store_get(t, &in->id, &local);
	store_txn_trust(t, false);
	if (err == STORE_NOTFOUND)
		err = 0;
	if (err)
		return err;
	if (!ac->upstream_mode && ac->vs) {
		/* a village's file on its township: only what that room may write */
		if (!scope_may_write(ac->vs, local, in)) {
			set_why(ac->why, ac->whysize,
			        _("The exchange file carries a record its village may not change (%s). "
			          "Nothing was taken from it."),
			        rec_id_format(&in->id, idt));
			record_free(local);
			return store_txn_fail(t, STORE_DENIED);
		}
	}
	if ((err = check_taken(t, ac, in, local))) {
		record_free(local);
		return err;
	}
	ac->stats->received++;
	if (in->id.kind == REC_REFERRAL) {
		if ((err = follow_number(t, in))) {
			record_free(local);
			return err;
		}
		if (local) {
			err = take_referral(t, ac, in, local);
		} else {
			/* its state is what its steps make it, replayed */
			struct refer_merge m;
			if (refer_merge(in, in, &m))
				return store_txn_fail(t, STORE_NOMEM);
			/* (a step the merge kept but could not take stays in the
			 * history: the replay passes over it as the merge did) */
			if (m.state != refer_state(in)) {
				char what[600];
				snprintf(what, sizeof what,
				         _("its state does not follow from its steps (%s)"),
				         referral_state_label(refer_state(in)));
				refer_merge_free(&m);
				return refuse(t, ac, &in->id, what);
			}
			refer_merge_free(&m);
			if ((err = restamp(t, ac, in, NULL))) {
				record_free(local);
				return err;
			}
			store_txn_trust(t, true);
			err = store_put_copy(t, in);
			store_txn_trust(t, false);
			if (!err)
				err = sv_put(t, &in->id, in->version, in->version);
			if (!err)
				err = mark_arrival(t, &in->id);
			ac->stats->applied++;
		}
		record_free(local);
		return err;
	}
	if (in->id.site == ac->local) {
		/* ours: this site's version is the one that counts; a change the
		 * other side made to it is shown to a worker */
		ac->stats->kept_ours++;
		if (local && !same_fields(local, in, "status"))
			err = diff_notice(t, ac, local, in, true);
		record_free(local);
		return err;
	}
	uint32_t owner = 0, here = 0;
	bool have = false;
	if ((err = sv_get(t, &in->id, &owner, &here, &have))) {
		record_free(local);
		return err;
	}
	if (local && ((have && in->version <= owner) || (!have && in->version <= local->version))) {
		ac->stats->same++;
		record_free(local);
		return 0;
	}
	bool same = local && same_fields(local, in, NULL);
	if (local && have && local->version != here && !same_fields(local, in, "status"))
		err = diff_notice(t, ac, local, in, false);
	if (!err)
		err = restamp(t, ac, in, local);
	if (!err) {
		store_txn_trust(t, true);
		err = store_put_copy(t, in);
		store_txn_trust(t, false);
	}
	if (!err)
		err = sv_put(t, &in->id, in->version, in->version);
	if (same)
		ac->stats->same++;
	else
		ac->stats->applied++;
	record_free(local);
	return err;
}

/* A village's file on its township: sealed with the village's key, or
 * brought by the village's own worker (an ssh login sshd checked);
 * a good seal tells the township the PC has its key. */
static int
check_seal(store_txn *t, struct apply_ctx *ac, const char *unit)
{
	unsigned char k[SYNC_KEYLEN];
	bool have, confirmed;
	int err = key_get(t, unit, k, &have, &confirmed);
	if (err)
		return err;
	if (have && ac->h.sealed) {
		if (!sealed_with(ac->buf, &ac->h, k))
			return SYNC_ERR_SEAL;
		return confirmed ? 0 : key_put(t, unit, k, true);
	}
	bool own = ac->sc->level == UNIT_VILLAGE && strcmp(ac->sc->unit, unit) == 0;
	return own ? 0 : SYNC_ERR_SEAL;
}

static int
apply_txn(store_txn *t, void *ctx)
{
	struct apply_ctx *ac = ctx;
	struct sync_stats *s = ac->stats;
	memset(s, 0, sizeof *s);
	s->bytes = ac->len;
	s->peer_site = ac->h.from_site;
	snprintf(s->peer_unit, sizeof s->peer_unit, "%s", ac->h.from_unit);
	if (ac->why && ac->whysize)
		*ac->why = '\0';
	scope_free(ac->vs);
	ac->vs = NULL;
	store *st = store_txn_store(t);
	ac->local = store_site(st);
	if (ac->h.from_site == ac->local)
		return SYNC_ERR_OWN;
	if (ac->h.to_site && ac->h.to_site != ac->local)
		return SYNC_ERR_NOTFORUS;
	uint64_t upstream;
	size_t units;
	int err = meta_u64(t, "sync/upstream", &upstream);
	if (!err)
		err = store_count(t, REC_UNIT, &units);
	if (err)
		return err;
	char unit[REC_ID_TEXTMAX];
	snprintf(unit, sizeof unit, "%s", ac->h.from_unit);
	ac->upstream_mode = upstream || units == 0;
	if (upstream) {
		if (ac->h.from_site != upstream)
			return SYNC_ERR_STRANGER;
		if (ac->sc && ac->sc->role == ROLE_SUPERVISOR)
			return SYNC_ERR_ROLE;
		void *u = NULL;
		size_t ulen = 0;
		err = store_meta_get(t, "sync/unit", &u, &ulen);
		if (err == 0 && ulen < sizeof ac->own_unit)
			snprintf(ac->own_unit, sizeof ac->own_unit, "%.*s", (int)ulen, (const char *)u);
		free(u);
		if (err && err != STORE_NOTFOUND)
			return err;
		err = 0;
		/* the township's file is sealed with this PC's key once it has one */
		unsigned char k[SYNC_KEYLEN];
		bool have;
		if ((err = own_key_get(t, k, &have)))
			return err;
		if (ac->h.has_key) {
			if (!sealed_with(ac->buf, &ac->h, ac->h.key))
				return SYNC_ERR_SEAL;
			if (!have || memcmp(k, ac->h.key, SYNC_KEYLEN) != 0)
				err = store_meta_put(t, "sync/key", ac->h.key, SYNC_KEYLEN);
		} else if (have && ac->h.sealed && !sealed_with(ac->buf, &ac->h, k)) {
			return SYNC_ERR_SEAL;
		}
		if (err)
			return err;
	} else if (units == 0) {
		if (ac->h.count == 0)
			return SYNC_ERR_NOPEER;   /* two empty databases */
		if (ac->h.has_key &&
		    (!sealed_with(ac->buf, &ac->h, ac->h.key) ||
		     (err = store_meta_put(t, "sync/key", ac->h.key, SYNC_KEYLEN))))
			return err ? err : SYNC_ERR_SEAL;
		if ((err = meta_put_be(t, "sync/upstream", ac->h.from_site)) ||
		    (*ac->h.to_unit &&
		     (err = store_meta_put(t, "sync/unit", ac->h.to_unit, strlen(ac->h.to_unit)))))
			return err;
	} else {
		if (!ac->sc)
			return SYNC_ERR_NOPEER;
		if (ac->sc->role == ROLE_SUPERVISOR)
			return SYNC_ERR_ROLE;
		if (!*unit) {
			/* a village PC's first word: its room is the worker's */
			if (ac->sc->level != UNIT_VILLAGE || ac->h.count)
				return SYNC_ERR_UNIT;
			snprintf(unit, sizeof unit, "%s", ac->sc->unit);
		}
		rec_id uid;
		if (rec_id_parse(unit, &uid) < 0 || uid.kind != REC_UNIT || !may_reach(ac->sc, unit))
			return SYNC_ERR_UNIT;
		store_txn_trust(t, true);
		err = scope_for_unit(t, ac->sc->login, unit, &ac->vs);
		store_txn_trust(t, false);
		if (err)
			return err == STORE_INVALID || err == STORE_NOTFOUND ? SYNC_ERR_UNIT : err;
		snprintf(s->peer_unit, sizeof s->peer_unit, "%s", unit);
		if ((err = check_seal(t, ac, unit)))
			return err;
	}
	struct sync_peer p;
	if ((err = peer_get(t, ac->h.from_site, &p)))
		return err;
	if (!ac->upstream_mode && *p.unit && strcmp(p.unit, unit) != 0)
		return SYNC_ERR_UNIT;   /* a PC known here as another village's */
	if (ac->h.base > p.recv)
		return SYNC_ERR_GAP;
	s->already = ac->h.count == 0 ? false : ac->h.top <= p.recv;
	/* units and accounts first, then the rest: the steps in a referral's
	 * history are checked against the workers this database knows, and
	 * an account the file brings may come after the referral in it */
	for (int pass = 0; pass < 2 && !err && !s->already; pass++) {
		struct rd r = {ac->buf, ac->len - SHA256_LEN, ac->h.entries_at, false};
		for (uint32_t i = 0; i < ac->h.count && !err; i++) {
			size_t n = (size_t)get_be(&r, 4);
			rec_id id;
			record *in;
			rec_id_from_key(r.p + r.at, &id);
			if ((id.kind == REC_UNIT || id.kind == REC_USER) != (pass == 0)) {
				r.at += n;
				continue;
			}
			in = NULL;
			if (entry_fields(r.p + r.at + REC_KEYLEN, n - REC_KEYLEN) > SYNC_MAX_FIELDS)
				return refuse(t, ac, &id, _("it has more fields than any form"));
			if (rec_kind_code(id.kind) == NULL || id.seq == 0 || id.site == 0 ||
			    record_decode(r.p + r.at + REC_KEYLEN, n - REC_KEYLEN, &id, &in) < 0 ||
			    in->version == 0) {
				record_free(in);   /* decoded, yet version 0 */
				set_why(ac->why, ac->whysize, "%s", sync_strerror(SYNC_ERR_DAMAGED));
				return SYNC_ERR_DAMAGED;
			}
			r.at += n;
			err = take_record(t, ac, in);
			record_free(in);
			if (ac->progress && pass == 1 && (i & 255) == 255)
				ac->progress(2, i + 1, ac->h.count, ac->pctx);
		}
	}
	if (err)
		return err;
	uint64_t ours;
	if ((err = store_change_last(t, &ours)))
		return err;
	if (ac->h.top > p.recv)
		p.recv = ac->h.top;
	if (ac->h.ack > p.acked)
		p.acked = ac->h.ack > ours ? ours : ac->h.ack;
	p.last = (int64_t)time(NULL);
	p.last_in = s->received;
	snprintf(p.unit, sizeof p.unit, "%s", unit);
	snprintf(p.forms, sizeof p.forms, "%s", ac->h.forms_hash);
	if (ac->upstream_mode)
		s->forms = ac->h.nforms;
	if ((err = peer_put(t, &p)))
		return err;
	char note[256];
	if (s->already || !ac->h.count)
		snprintf(note, sizeof note, "from %s %012" PRIx64 ": nothing new", unit, ac->h.from_site);
	else
		snprintf(note, sizeof note,
		         "from %s %012" PRIx64 ": %zu records, %zu taken, %zu merged, %zu already here, "
		         "%zu ours kept, %zu notices",
		         unit, ac->h.from_site, s->received, s->applied, s->merged, s->same,
		         s->kept_ours, s->notices);
	return audit_log(t, "sync", NULL, 0, 0, note);
}

int
sync_apply(store *st, const struct scope *sc, const unsigned char *buf, size_t len,
           struct sync_stats *stats, sync_progress_fn progress, void *pctx, char *why,
           size_t whysize)
{
	struct sync_stats dummy;
	if (!stats)
		stats = &dummy;
	memset(stats, 0, sizeof *stats);
	if (why && whysize)
		*why = '\0';
	struct apply_ctx ac = {.st = st,         .sc = sc,           .buf = buf,
	                       .len = len,       .stats = stats,     .progress = progress,
	                       .pctx = pctx,     .why = why,         .whysize = whysize};
	int err = sync_read_header(buf, len, &ac.h);
	if (progress)
		progress(1, len, len, pctx);
	char *fnew = NULL, *fcur = NULL, *fold = NULL;
	if (!err && ac.h.nforms &&
	    (asprintf(&fnew, "%s/forms.new", store_dir(st)) < 0 ||
	     asprintf(&fcur, "%s/forms", store_dir(st)) < 0 ||
	     asprintf(&fold, "%s/forms.old", store_dir(st)) < 0))
		err = STORE_NOMEM;
	if (!err && ac.h.nforms)
		err = forms_unpack(buf, len, fnew, why, whysize);
	if (!err)
		err = store_write(st, apply_txn, &ac);
	scope_free(ac.vs);
	formset_free(ac.fs);
	if (fnew && !err && ac.upstream_mode) {
		/* the township's forms in force here from now on, the old kept */
		remove_tree(fold);
		if ((rename(fcur, fold) < 0 && errno != ENOENT) || rename(fnew, fcur) < 0)
			err = store_map_error(errno);
		else
			paths_use_db_forms(store_dir(st));
	} else if (fnew) {
		remove_tree(fnew);
	}
	free(fnew);
	free(fcur);
	free(fold);
	if (err)
		set_why(why, whysize, "%s", sync_strerror(err));
	else if (progress)
		progress(2, ac.h.count, ac.h.count, pctx);
	return err;
}

/* --- over ssh ---------------------------------------------------------------- */

/* Everything fd gives, up to max bytes: SYNC_ERR_TOOBIG past them (no
 * more is held). */
static int
read_all(int fd, unsigned char **out, size_t *len, size_t max)
{
	struct buf b = {0};
	unsigned char chunk[65536];
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(b.p);
			return STORE_IO;
		}
		if (n == 0)
			break;
		if ((size_t)n > max - b.n) {
			free(b.p);
			return SYNC_ERR_TOOBIG;
		}
		put_bytes(&b, chunk, (size_t)n);
		if (b.oom) {
			free(b.p);
			return STORE_NOMEM;
		}
	}
	*out = b.p;
	*len = b.n;
	return 0;
}

static int
write_all(int fd, const unsigned char *p, size_t n)
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
sync_serve(store *st, const struct scope *sc, int in_fd, int out_fd, struct sync_stats *in,
           struct sync_stats *out, char *why, size_t whysize)
{
	unsigned char *buf = NULL, *ans = NULL;
	size_t len = 0, alen = 0;
	if (why && whysize)
		*why = '\0';
	int err = read_all(in_fd, &buf, &len, SYNC_MAX_BYTES);
	if (err) {
		free(buf);
		err = err == SYNC_ERR_TOOBIG ? err : SYNC_ERR_SSH;
		set_why(why, whysize, "%s", sync_strerror(err));
		return err;
	}
	err = sync_apply(st, sc, buf, len, in, NULL, NULL, why, whysize);
	struct sync_header h;
	if (!err)
		err = sync_read_header(buf, len, &h);
	free(buf);
	if (!err)
		err = sync_make(st, sc, in->peer_unit, h.from_site, &ans, &alen, out, NULL, NULL, why,
		                whysize);
	if (!err && write_all(out_fd, ans, alen))
		err = SYNC_ERR_SSH;
	free(ans);
	if (err)
		set_why(why, whysize, "%s", sync_strerror(err));
	return err;
}

struct ssh_run {
	const unsigned char *send;
	size_t nsend;
	struct buf got, err;
	sync_progress_fn progress;
	void *pctx;
	int status;
};

/* Run argv with the file on its standard input; its output and error
 * output are collected. */
static int
run_ssh(char **argv, struct ssh_run *sr)
{
	int in[2], out[2], er[2];
	if (pipe(in) < 0)
		return SYNC_ERR_SSH;
	if (pipe(out) < 0) {
		close(in[0]);
		close(in[1]);
		return SYNC_ERR_SSH;
	}
	if (pipe(er) < 0) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		return SYNC_ERR_SSH;
	}
	pid_t pid = fork();
	if (pid < 0) {
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		close(er[0]);
		close(er[1]);
		return SYNC_ERR_SSH;
	}
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(er[1], 2);
		close(in[0]);
		close(in[1]);
		close(out[0]);
		close(out[1]);
		close(er[0]);
		close(er[1]);
		execvp(argv[0], argv);
		dprintf(2, "shegong: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	close(er[1]);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	int fin = in[1], fout = out[0], ferr = er[0];
	fcntl(fin, F_SETFL, fcntl(fin, F_GETFL) | O_NONBLOCK);
	size_t sent = 0;
	if (sr->nsend == 0) {
		close(fin);
		fin = -1;
	}
	int rc = 0;
	while (fout >= 0 || ferr >= 0) {
		struct pollfd pf[3];
		int np = 0, iin = -1, iout = -1, ierr = -1;
		if (fin >= 0) {
			pf[np] = (struct pollfd){fin, POLLOUT, 0};
			iin = np++;
		}
		if (fout >= 0) {
			pf[np] = (struct pollfd){fout, POLLIN, 0};
			iout = np++;
		}
		if (ferr >= 0) {
			pf[np] = (struct pollfd){ferr, POLLIN, 0};
			ierr = np++;
		}
		if (poll(pf, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = SYNC_ERR_SSH;
			break;
		}
		if (iin >= 0 && pf[iin].revents) {
			ssize_t w = write(fin, sr->send + sent, sr->nsend - sent);
			if (w > 0)
				sent += (size_t)w;
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				sent = sr->nsend;   /* the other end went: its status says why */
			if (sent == sr->nsend) {
				close(fin);
				fin = -1;
			}
			if (sr->progress)
				sr->progress(3, sent, sr->nsend, sr->pctx);
		}
		int fds[2] = {iout, ierr};
		for (int k = 0; k < 2; k++) {
			int i = fds[k];
			if (i < 0 || !pf[i].revents)
				continue;
			unsigned char chunk[65536];
			ssize_t n = read(pf[i].fd, chunk, sizeof chunk);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				close(pf[i].fd);
				if (k == 0)
					fout = -1;
				else
					ferr = -1;
				continue;
			}
			struct buf *into = k == 0 ? &sr->got : &sr->err;
			if ((size_t)n > SYNC_MAX_BYTES - into->n) {
				rc = SYNC_ERR_TOOBIG;   /* no answer is this big: stop it */
				kill(pid, SIGTERM);
				break;
			}
			put_bytes(into, chunk, (size_t)n);
		}
		if (rc)
			break;
	}
	if (fin >= 0)
		close(fin);
	if (fout >= 0)
		close(fout);
	if (ferr >= 0)
		close(ferr);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	signal(SIGPIPE, old);
	sr->status = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
	if (sr->got.oom || sr->err.oom)
		return STORE_NOMEM;
	return rc;
}

static int
host_txn(store_txn *t, void *ctx)
{
	const char *host = ctx;
	return store_meta_put(t, "sync/host", host, strlen(host));
}

int
sync_ssh(store *st, const struct scope *sc, const char *host, const char *ssh_cmd,
         const char *remote_db, struct sync_stats *up, struct sync_stats *down,
         sync_progress_fn progress, void *pctx, char *why, size_t whysize)
{
	if (why && whysize)
		*why = '\0';
	struct sync_stats u0, d0;
	if (!up)
		up = &u0;
	if (!down)
		down = &d0;
	memset(down, 0, sizeof *down);
	if (!host || !*host || host[0] == '-') {
		set_why(why, whysize, "%s", sync_strerror(SYNC_ERR_NOPEER));
		return SYNC_ERR_NOPEER;
	}
	unsigned char *file;
	size_t len;
	int err = sync_make(st, sc, NULL, 0, &file, &len, up, progress, pctx, why, whysize);
	if (err) {
		set_why(why, whysize, "%s", sync_strerror(err));
		return err;
	}
	/* the ssh command, its options, the host and the command for the other side */
	char *cmd = strdup(ssh_cmd && *ssh_cmd ? ssh_cmd : "ssh");
	char *remote = NULL;
	char **argv = calloc(strlen(cmd ? cmd : "") / 2 + 16, sizeof *argv);
	if (!cmd || !argv ||
	    asprintf(&remote, "shegong%s%s sync --serve", remote_db ? " --db " : "",
	             remote_db ? remote_db : "") < 0) {
		free(cmd);
		free(argv);
		free(file);
		return STORE_NOMEM;
	}
	int argc = 0;
	char *save = NULL;
	for (char *w = strtok_r(cmd, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc++] = "-o";
	argv[argc++] = "ServerAliveInterval=15";
	argv[argc++] = "-o";
	argv[argc++] = "ServerAliveCountMax=4";
	argv[argc++] = "--";
	argv[argc++] = (char *)host;
	argv[argc++] = remote;
	argv[argc] = NULL;
	struct ssh_run sr = {file, len, {0}, {0}, progress, pctx, 0};
	err = run_ssh(argv, &sr);
	free(file);
	free(remote);
	free(argv);
	free(cmd);
	if (!err && sr.status != 0) {
		/* ssh's own failures are 255; anything else is the other side's refusal */
		err = sr.status == 255 || sr.status == 127 ? SYNC_ERR_SSH : SYNC_ERR_REMOTE;
	}
	if (err) {
		if (sr.err.n && why && whysize) {
			put_bytes(&sr.err, "", 1);
			char *msg = sr.err.oom ? NULL : (char *)sr.err.p;
			/* the other side's last line says why */
			if (msg) {
				size_t k = strlen(msg);
				while (k && (msg[k - 1] == '\n' || msg[k - 1] == '\r'))
					msg[--k] = '\0';
				snprintf(why, whysize, "%s\n%s", sync_strerror(err), msg);
			}
		}
		free(sr.got.p);
		free(sr.err.p);
		set_why(why, whysize, "%s", sync_strerror(err));
		return err;
	}
	free(sr.err.p);
	if (sr.got.n == 0) {
		free(sr.got.p);
		set_why(why, whysize, "%s", sync_strerror(SYNC_ERR_SSH));
		return SYNC_ERR_SSH;
	}
	err = sync_apply(st, sc, sr.got.p, sr.got.n, down, progress, pctx, why, whysize);
	free(sr.got.p);
	if (!err)
		err = store_write(st, host_txn, (void *)host);
	return err;
}

/* --- files ------------------------------------------------------------------ */

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
	int err = read_all(fd, buf, len, SYNC_MAX_BYTES);
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
	if (!e && write_all(fd, buf, len))
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

/* --- status and notices ---------------------------------------------------- */

struct status_ctx {
	const struct scope *sc;
	struct sync_status *s;
	store_txn *t;
};

/* Whether the worker whose scope is the store's policy may see the
 * notice name: its record is one they may read (one since deleted
 * stays shown). */
static bool
notice_visible(store_txn *t, const char *name)
{
	const char *rest = name + strlen("sync/notice/");
	char idt[REC_ID_TEXTMAX];
	size_t k = strcspn(rest, "/");
	rec_id id;
	record *r = NULL;
	if (k >= sizeof idt)
		return false;
	snprintf(idt, sizeof idt, "%.*s", (int)k, rest);
	if (rec_id_parse(idt, &id) < 0)
		return false;
	int err = store_get(t, &id, &r);
	record_free(r);
	return err == 0 || err == STORE_NOTFOUND;
}

static int
status_peer(const char *name, const void *data, size_t len, void *ctx)
{
	struct status_ctx *c = ctx;
	struct sync_status *s = c->s;
	struct sync_peer q = {0};
	peer_parse(&q, data, len);
	/* a township shows a worker the villages in their reach only */
	if (!s->upstream && c->sc && c->sc->role != ROLE_ADMIN && !scope_in_reach(c->sc, q.unit))
		return 0;
	struct sync_peer *np = realloc(s->peers, (s->npeers + 1) * sizeof *np);
	if (!np)
		return STORE_NOMEM;
	s->peers = np;
	struct sync_peer *p = &np[s->npeers++];
	memset(p, 0, sizeof *p);
	peer_parse(p, data, len);
	p->site = strtoull(name + strlen("sync/peer/"), NULL, 16);
	return 0;
}

static int
status_notice(const char *name, const void *data, size_t len, void *ctx)
{
	struct status_ctx *c = ctx;
	if (len >= 5 && memcmp(data, "open\t", 5) == 0 && notice_visible(c->t, name))
		c->s->open_notices++;
	return 0;
}

static int
status_txn(store_txn *t, void *ctx)
{
	struct status_ctx *c = ctx;
	struct sync_status *s = c->s;
	s->site = store_site(store_txn_store(t));
	int err = meta_u64(t, "sync/upstream", &s->upstream);
	void *d;
	size_t n;
	if (!err && (err = store_meta_get(t, "sync/host", &d, &n)) == 0) {
		snprintf(s->host, sizeof s->host, "%.*s", (int)n, (const char *)d);
		free(d);
	}
	if (err == STORE_NOTFOUND)
		err = 0;
	c->t = t;
	if (!err)
		err = store_meta_each(t, "sync/peer/", status_peer, c);
	if (!err)
		err = store_meta_each(t, "sync/notice/", status_notice, c);
	return err;
}

int
sync_status(store *st, const struct scope *sc, struct sync_status *out)
{
	memset(out, 0, sizeof *out);
	struct status_ctx c = {sc, out, NULL};
	int err = store_read(st, status_txn, &c);
	if (!err && out->upstream && sc && sc->role != ROLE_SUPERVISOR) {
		/* what would go up now: the same walk as the file, counting */
		struct sync_stats stats;
		struct make_ctx mc = {.st = st, .sc = sc, .stats = &stats, .count_only = true};
		memset(&stats, 0, sizeof stats);
		err = store_read(st, make_txn, &mc);
		scope_free(mc.view);
		free(mc.b.p);
		out->pending = mc.count;
		out->pending_referrals = mc.pending_refs;
	}
	if (err)
		sync_status_free(out);
	return err;
}

void
sync_status_free(struct sync_status *s)
{
	free(s->peers);
	s->peers = NULL;
	s->npeers = 0;
}

struct notices_ctx {
	bool all;
	struct sync_notice *v;
	size_t n;
	store_txn *t;   /* when set, only the notices the worker may see */
	const struct scope *sc;   /* the reader, whose scope masks what they may not see */
	struct formset *fs;
};

/* A notice of a change (diff_notice) as the reader may see it: the
 * values of the fields the record's form marks sensitive masked for a
 * reader who may not see them (every value when the record or its form
 * is not found).  A step's notice is a history line, which the referral
 * shows them too. */
static int
notice_mask(struct notices_ctx *c, struct sync_notice *x)
{
	if (scope_may_see_sensitive(c->sc) || strcmp(x->what, "step") == 0)
		return 0;
	struct form_error fe = {0};
	if (!c->fs)
		c->fs = formset_load(paths_forms(), &fe);
	rec_id id;
	record *r = NULL;
	if (rec_id_parse(x->record, &id) < 0 || store_get(c->t, &id, &r) != 0)
		r = NULL;
	const struct form *f = c->fs && r ? formset_for_record(c->fs, r) : NULL;
	record_free(r);
	char *m = shown_change_masked(f, x->text, !x->open);
	if (!m)
		return STORE_NOMEM;
	free(x->text);
	x->text = m;
	return 0;
}

static int
notice_fn(const char *name, const void *data, size_t len, void *ctx)
{
	struct notices_ctx *c = ctx;
	bool open = len >= 5 && memcmp(data, "open\t", 5) == 0;
	if ((!open && !c->all) || (c->t && !notice_visible(c->t, name)))
		return 0;
	struct sync_notice *nv = realloc(c->v, (c->n + 1) * sizeof *nv);
	if (!nv)
		return STORE_NOMEM;
	c->v = nv;
	struct sync_notice *x = &nv[c->n];
	memset(x, 0, sizeof *x);
	snprintf(x->key, sizeof x->key, "%s", name);
	x->open = open;
	const char *rest = name + strlen("sync/notice/");
	size_t k = strcspn(rest, "/");
	snprintf(x->record, sizeof x->record, "%.*s", (int)(k < sizeof x->record ? k : 0), rest);
	char *s = strndup(data, len);
	if (!s)
		return STORE_NOMEM;
	char *f[4] = {s, NULL, NULL, NULL};
	for (int i = 1; i < 4 && f[i - 1]; i++) {
		char *tab = strchr(f[i - 1], '\t');
		if (tab) {
			*tab = '\0';
			f[i] = tab + 1;
		}
	}
	x->at = f[1] ? strtoll(f[1], NULL, 10) : 0;
	snprintf(x->what, sizeof x->what, "%s", f[2] ? f[2] : "");
	x->text = strdup(f[3] ? f[3] : "");
	free(s);
	if (!x->text)
		return STORE_NOMEM;
	c->n++;
	return c->sc ? notice_mask(c, x) : 0;
}

static int
notices_txn(store_txn *t, void *ctx)
{
	struct notices_ctx *c = ctx;
	c->t = t;
	return store_meta_each(t, "sync/notice/", notice_fn, ctx);
}

int
sync_notices(store *st, const struct scope *sc, bool all, struct sync_notice **out, size_t *n)
{
	struct notices_ctx c = {all, NULL, 0, NULL, sc, NULL};
	int err = store_read(st, notices_txn, &c);
	formset_free(c.fs);
	if (err) {
		sync_notices_free(c.v, c.n);
		c.v = NULL;
		c.n = 0;
	}
	*out = c.v;
	*n = c.n;
	return err;
}

void
sync_notices_free(struct sync_notice *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].text);
	free(v);
}

struct settle_ctx {
	const char *key;
	const char *note;
};

/* The notice under key settled, read and written in one transaction, so
 * that two workers settling at once cannot both take it. */
static int
settle_txn(store_txn *t, void *ctx)
{
	struct settle_ctx *sc = ctx;
	struct notices_ctx nc = {false, NULL, 0, NULL, NULL, NULL};
	void *d;
	size_t n;
	int err = store_meta_get(t, sc->key, &d, &n);
	if (err)
		return err;
	if (!notice_visible(t, sc->key)) {
		free(d);
		return STORE_DENIED;   /* another village's: as if not there */
	}
	err = notice_fn(sc->key, d, n, &nc);
	free(d);
	if (!err && nc.n == 0)
		err = STORE_NOTFOUND;   /* settled already */
	if (err) {
		sync_notices_free(nc.v, nc.n);
		return err;
	}
	const struct sync_notice *x = &nc.v[0];
	char *v = NULL, when[20];
	int len = asprintf(&v, "settled\t%lld\t%s\t%s\n%s %s %s: %s", (long long)x->at, x->what,
	                   x->text, now_text(when, sizeof when), store_user(store_txn_store(t)),
	                   _("settled it"), sc->note ? sc->note : "");
	if (len < 0) {
		sync_notices_free(nc.v, nc.n);
		return store_txn_fail(t, STORE_NOMEM);
	}
	err = store_meta_put(t, sc->key, v, (size_t)len);
	free(v);
	rec_id id;
	bool have = rec_id_parse(x->record, &id) == 0;
	if (!err)
		err = audit_log(t, "sync-settle", have ? &id : NULL, 0, 0, sc->note ? sc->note : "");
	sync_notices_free(nc.v, nc.n);
	return err;
}

int
sync_notice_settle_key(store *st, const char *key, const char *note, char *why, size_t whysize)
{
	if (why && whysize)
		*why = '\0';
	if (!key || strncmp(key, "sync/notice/", 12) != 0)
		return STORE_INVALID;
	struct settle_ctx c = {key, note};
	int err = store_write(st, settle_txn, &c);
	if (err == STORE_NOTFOUND && why && whysize)
		snprintf(why, whysize, "%s", _("This notice is settled already (someone settled it "
		                               "meanwhile)."));
	else if (err == STORE_DENIED && why && whysize)
		snprintf(why, whysize, "%s", _("This notice is about a record you do not look after: "
		                               "a worker of its village or township settles it."));
	return err;
}

int
sync_notice_settle(store *st, size_t i, const char *note, char *why, size_t whysize)
{
	struct sync_notice *v;
	size_t n;
	if (why && whysize)
		*why = '\0';
	int err = sync_notices(st, NULL, false, &v, &n);
	if (err)
		return err;
	if (i < 1 || i > n) {
		sync_notices_free(v, n);
		if (why && whysize)
			snprintf(why, whysize, _("There is no open notice number %zu."), i);
		return STORE_NOTFOUND;
	}
	err = sync_notice_settle_key(st, v[i - 1].key, note, why, whysize);
	sync_notices_free(v, n);
	return err;
}

/* --- what slipped past: shegong check ---------------------------------------- */

struct verify_ctx {
	store_txn *t;
	size_t *faults;
	void (*report)(const char *msg, void *ctx);
	void *rctx;
};

static void
verify_fault(struct verify_ctx *vc, const record *r, const char *what)
{
	char idt[REC_ID_TEXTMAX], msg[800];
	snprintf(msg, sizeof msg, "%s: %s", rec_id_format(&r->id, idt), what);
	(*vc->faults)++;
	if (vc->report)
		vc->report(msg, vc->rctx);
}

/* Whether unit (id text) is ancestor or below it (parents followed; the
 * units are few, the chain short). */
static bool
unit_under(store_txn *t, const char *unit, const char *ancestor)
{
	char cur[REC_ID_TEXTMAX];
	snprintf(cur, sizeof cur, "%s", unit ? unit : "");
	for (int depth = 0; *cur && depth < 8; depth++) {
		if (strcmp(cur, ancestor) == 0)
			return true;
		rec_id id;
		record *u = NULL;
		if (rec_id_parse(cur, &id) < 0 || store_get(t, &id, &u))
			return false;
		const char *parent = record_get(u, "parent");
		snprintf(cur, sizeof cur, "%s", parent ? parent : "");
		record_free(u);
	}
	return false;
}

static int
verify_record(const record *r, void *ctx)
{
	struct verify_ctx *vc = ctx;
	if (r->version > SYNC_MAX_VERSION)
		verify_fault(vc, r, _("its version number is out of range"));
	if (r->id.kind != REC_REFERRAL)
		return 0;
	const char *num = record_get(r, "number");
	unsigned long n = 0;
	char code[16], year[8];
	if (num && (sscanf(num, "ZJ-%15[0-9]-%4[0-9]-%lu", code, year, &n) != 3 ||
	            n > SYNC_MAX_SLIP || n == 0))
		verify_fault(vc, r, _("its slip number is not one a slip can have"));
	struct refer_merge m;
	if (refer_merge(r, r, &m))
		return STORE_NOMEM;
	if (m.state != refer_state(r)) {
		char what[600];
		snprintf(what, sizeof what, _("its state does not follow from its steps (%s)"),
		         referral_state_label(refer_state(r)));
		verify_fault(vc, r, what);
	}
	refer_merge_free(&m);
	/* the person and needs it names are its sender's */
	const char *from = record_get(r, "village");
	const char *res = record_get(r, "resident"), *needs = record_get(r, "needs");
	char *list = NULL;
	if (!from)
		return 0;
	if (asprintf(&list, "%s,%s", res ? res : "", needs ? needs : "") < 0)
		return STORE_NOMEM;
	char *save = NULL;
	for (char *item = strtok_r(list, ", ", &save); item; item = strtok_r(NULL, ", ", &save)) {
		rec_id id;
		record *x = NULL;
		if (rec_id_parse(item, &id) < 0)
			continue;
		int rc = store_get(vc->t, &id, &x);
		if (rc == STORE_NOTFOUND)
			continue;
		if (rc == 0 && unit_under(vc->t, record_get(x, "village"), from)) {
			record_free(x);
			continue;
		}
		record_free(x);
		if (rc && rc != STORE_DENIED) {
			free(list);
			return rc;
		}
		char what[200];
		snprintf(what, sizeof what, _("it names %s, which is not its village's"), item);
		verify_fault(vc, r, what);
	}
	free(list);
	return 0;
}

static int
verify_txn(store_txn *t, void *ctx)
{
	struct verify_ctx *vc = ctx;
	vc->t = t;
	int err = 0;
	for (int k = 1; k <= REC_PROJECT && !err; k++)
		err = store_scan(t, k, NULL, verify_record, vc);
	return err;
}

int
sync_verify(store *st, size_t *faults, void (*report)(const char *msg, void *ctx), void *ctx)
{
	struct verify_ctx vc = {NULL, faults, report, ctx};
	*faults = 0;
	return store_read(st, verify_txn, &vc);
}
