/* feed.c: a feed into the warehouse (feed.h): the change log read a batch
 * at a time after the site's mark, each batch's rows replacing the
 * records' rows and moving the mark in one PostgreSQL transaction. */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "feed-internal.h"
#include "feed.h"
#include "i18n.h"
#include "sha256.h"
#include "text.h"

/* What one batch gathers for one table. */
struct per_table {
	struct strbuf rows;   /* COPY text of the records there */
	struct strbuf ids;    /* an array literal of the ids changed: their rows go first */
	struct strbuf gone;   /* and of those gone or out of reach: their rows go */
	size_t nrows, nids, ngone;
};

struct run {
	const struct feed_opts *o;
	store *st;
	struct pg *pg;
	const char *schema;
	struct feed_table *tables;
	size_t ntables;
	struct per_table *per;
	struct feed_row_ctx rc;
	char site[17];
	char *reach;          /* an array literal of the units in reach, or NULL */
	uint64_t mark, top;   /* fed up to; the last change when the feed began */
	uint64_t stored;      /* the mark as the warehouse holds it */
	/* the audit entry this feed wrote: its number and the SHA-256 of its
	 * bytes (hex), kept with the mark; the next feed finds it again in
	 * the same database, not in one restored from an older backup */
	char trail_seq[24], trail_hash[2 * SHA256_LEN + 1];
	bool have_mark;
	/* the batch being gathered */
	size_t batch, taken, removed, skipped;
	uint64_t last;
	char *why;
	size_t whysize;
};

static int
nomem(struct run *R)
{
	snprintf(R->why, R->whysize, "%s", _("out of memory"));
	return -1;
}

/* SQL with the schema's tables named: "@" stands for the schema. */
static char *
sql_of(const char *schema, const char *fmt, const char *table)
{
	struct strbuf b = {0};
	for (const char *p = fmt; *p; p++) {
		if (*p == '@') {
			pg_ident(&b, schema);
		} else if (*p == '%') {
			pg_ident(&b, table);
		} else {
			sb_add(&b, p, 1);
		}
	}
	return sb_detach(&b);
}

static int
exec_fmt(struct run *R, const char *fmt, const char *table, int np, const char *const *p,
         long *affected)
{
	char *sql = sql_of(R->schema, fmt, table);
	if (!sql)
		return nomem(R);
	int rc = pg_exec(R->pg, sql, np, p, affected, R->why, R->whysize);
	free(sql);
	return rc;
}

/* --- gathering a batch (one read transaction of the store) ------------------------ */

struct gather {
	struct run *R;
	store_txn *t;
};

static int
gather_change(uint64_t n, const rec_id *id, void *ctx)
{
	struct gather *g = ctx;
	struct run *R = g->R;
	if (n > R->top || R->taken == R->batch)
		return STORE_STOP;
	R->taken++;
	R->last = n;
	const struct feed_table *t = feed_table_of(R->tables, R->ntables, id->kind);
	if (!t) {
		R->skipped++;
		return 0;
	}
	struct per_table *pt = &R->per[t - R->tables];
	char idtext[REC_ID_TEXTMAX];
	rec_id_format(id, idtext);
	record *r;
	int err = store_get(g->t, id, &r);
	if (err == STORE_NOTFOUND || err == STORE_DENIED) {
		/* gone, or out of the worker's reach now: its row goes */
		sb_str(&pt->gone, pt->ngone++ ? "," : "{");
		sb_str(&pt->gone, idtext);
		return 0;
	}
	if (err)
		return err;
	sb_str(&pt->ids, pt->nids++ ? "," : "{");
	sb_str(&pt->ids, idtext);
	err = feed_row(&pt->rows, t, r, n, &R->rc) < 0 ? STORE_NOMEM : 0;
	record_free(r);
	pt->nrows++;
	return err;
}

static int
gather_txn(store_txn *t, void *ctx)
{
	struct run *R = ctx;
	struct gather g = {R, t};
	int err = store_changes(t, R->mark, gather_change, &g);
	return err == STORE_STOP ? 0 : err;
}

static void
batch_reset(struct run *R)
{
	for (size_t i = 0; i < R->ntables; i++) {
		sb_free(&R->per[i].rows);
		sb_free(&R->per[i].ids);
		sb_free(&R->per[i].gone);
		R->per[i].nrows = R->per[i].nids = R->per[i].ngone = 0;
	}
	R->taken = R->removed = 0;
	R->last = R->mark;
}

/* --- writing a batch (one PostgreSQL transaction) ---------------------------------- */

/* COPY's column list of t. */
static char *
copy_sql(const char *schema, const struct feed_table *t)
{
	struct strbuf b = {0};
	sb_str(&b, "COPY ");
	pg_ident(&b, schema);
	sb_str(&b, ".");
	pg_ident(&b, t->name);
	sb_str(&b, " (");
	for (size_t i = 0; i < t->ncols; i++) {
		sb_str(&b, i ? ", " : "");
		pg_ident(&b, t->cols[i].name);
	}
	sb_str(&b, ") FROM STDIN");
	return sb_detach(&b);
}

static int
write_table(struct run *R, size_t i, size_t *rows)
{
	struct per_table *pt = &R->per[i];
	static const char del[] = "DELETE FROM @.% WHERE _site = $1 AND _id = ANY ($2::text[])";
	if (pt->ngone) {
		sb_str(&pt->gone, "}");
		if (pt->gone.failed)
			return nomem(R);
		const char *p[2] = {R->site, pt->gone.p};
		long n = 0;
		if (exec_fmt(R, del, R->tables[i].name, 2, p, &n) < 0)
			return -1;
		R->removed += (size_t)(n > 0 ? n : 0);
	}
	if (!pt->nids)
		return 0;
	sb_str(&pt->ids, "}");
	if (pt->ids.failed || pt->rows.failed)
		return nomem(R);
	const char *p[2] = {R->site, pt->ids.p};
	if (exec_fmt(R, del, R->tables[i].name, 2, p, NULL) < 0)
		return -1;
	char *sql = copy_sql(R->schema, &R->tables[i]);
	if (!sql)
		return nomem(R);
	long n = 0;
	int rc = pg_copy(R->pg, sql, pt->rows.p, pt->rows.len, &n, R->why, R->whysize);
	free(sql);
	*rows += (size_t)(n > 0 ? n : 0);
	return rc;
}

/* The mark moved to R->last, from R->mark: refused (another feed moved it
 * meanwhile) when it is not where this feed found it. */
static int
write_mark(struct run *R)
{
	char last[24], top[24], old[24];
	snprintf(last, sizeof last, "%" PRIu64, R->last);
	snprintf(top, sizeof top, "%" PRIu64, R->top);
	snprintf(old, sizeof old, "%" PRIu64, R->stored);
	const char *p[10] = {R->site, last, top, R->o->login, R->rc.masked ? "t" : "f", R->reach,
	                     "shegong " PACKAGE_VERSION, R->trail_seq, R->trail_hash, old};
	long n = 0;
	int rc = R->have_mark
	             ? exec_fmt(R,
	                        "UPDATE @.feed_mark SET last_change = $2, top_change = $3, login = $4, "
	                        "masked = $5, reach = $6::text[], fed_at = now(), program = $7, "
	                        "trail_seq = $8, trail_hash = $9 WHERE site = $1 AND last_change = $10",
	                        NULL, 10, p, &n)
	             : exec_fmt(R,
	                        "INSERT INTO @.feed_mark (site, last_change, top_change, login, masked, "
	                        "reach, fed_at, program, trail_seq, trail_hash) VALUES ($1, $2, $3, $4, "
	                        "$5, $6::text[], now(), $7, $8, $9) ON CONFLICT (site) DO NOTHING",
	                        NULL, 9, p, &n);
	if (!rc && n != 1) {
		snprintf(R->why, R->whysize, "%s",
		         _("Another feed of this database moved the warehouse's mark meanwhile; this "
		           "one stops without writing. Run it again when the other has ended."));
		rc = -1;
	}
	return rc;
}

static int
write_batch(struct run *R, bool first, size_t *rows)
{
	if (pg_exec(R->pg, "BEGIN", 0, NULL, NULL, R->why, R->whysize) < 0)
		return -1;
	int rc = 0;
	if (first && R->o->full) {
		/* fed again from the start: the site's rows go in this same
		 * transaction, so a cut leaves the mark and the rows agreeing */
		const char *p[1] = {R->site};
		for (size_t i = 0; i < R->ntables && !rc; i++)
			rc = exec_fmt(R, "DELETE FROM @.% WHERE _site = $1", R->tables[i].name, 1, p, NULL);
	}
	size_t n = 0;
	for (size_t i = 0; i < R->ntables && !rc; i++)
		rc = write_table(R, i, &n);
	if (!rc)
		rc = write_mark(R);
	if (!rc)
		rc = pg_exec(R->pg, "COMMIT", 0, NULL, NULL, R->why, R->whysize);
	if (rc) {
		char ignored[64];
		pg_exec(R->pg, "ROLLBACK", 0, NULL, NULL, ignored, sizeof ignored);
		return -1;
	}
	*rows += n;
	R->mark = R->stored = R->last;
	R->have_mark = true;
	return 0;
}

/* --- the run ----------------------------------------------------------------------- */

static int
top_txn(store_txn *t, void *ctx)
{
	return store_change_last(t, ctx);
}

static void
hex_of(const void *data, size_t len, char *hex)
{
	unsigned char h[SHA256_LEN];
	sha256(data, len, h);
	for (size_t i = 0; i < SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

struct trail {
	uint64_t seq;
	char hash[2 * SHA256_LEN + 1];
	bool found;
};

static int
trail_entry(uint64_t seq, const void *data, size_t len, void *ctx)
{
	struct trail *tr = ctx;
	if (seq == tr->seq) {
		char hex[2 * SHA256_LEN + 1];
		hex_of(data, len, hex);
		tr->found = strcmp(hex, tr->hash) == 0;
	}
	return 1;   /* the first entry from seq on is the one, or it is gone */
}

static int
trail_txn(store_txn *t, void *ctx)
{
	struct trail *tr = ctx;
	int err = store_audit_walk(t, tr->seq, trail_entry, tr);
	return err == 1 ? 0 : err;
}

/* Whether the audit entry a former feed wrote (seq, its bytes' hash) is
 * still this database's: true when the warehouse has none to compare. */
static bool
trail_found(struct run *R, const char *seq, const char *hash)
{
	if (!seq || !hash)
		return true;
	struct trail tr = {strtoull(seq, NULL, 10), "", false};
	snprintf(tr.hash, sizeof tr.hash, "%s", hash);
	return store_read(R->st, trail_txn, &tr) == 0 && tr.found;
}

static int
last_trail_txn(store_txn *t, void *ctx)
{
	struct run *R = ctx;
	uint64_t seq;
	void *data;
	size_t len;
	int err = store_audit_last(t, &seq, &data, &len);
	if (err)
		return err;
	snprintf(R->trail_seq, sizeof R->trail_seq, "%llu", (unsigned long long)seq);
	hex_of(data, len, R->trail_hash);
	free(data);
	return 0;
}

/* The mark of this site, and whether this feed may go on from it. */
static int
read_mark(struct run *R)
{
	struct pg_rows r;
	char *sql = sql_of(R->schema, "SELECT last_change, login, masked, trail_seq, trail_hash "
	                              "FROM @.feed_mark WHERE site = $1", NULL);
	if (!sql)
		return nomem(R);
	const char *p[1] = {R->site};
	int rc = pg_query(R->pg, sql, 1, p, &r, R->why, R->whysize);
	free(sql);
	if (rc)
		return rc;
	R->have_mark = r.n > 0;
	if (R->have_mark) {
		const char *last = pg_value(&r, 0, 0), *login = pg_value(&r, 0, 1);
		bool masked = pg_value(&r, 0, 2) && strcmp(pg_value(&r, 0, 2), "t") == 0;
		R->mark = R->stored = last ? strtoull(last, NULL, 10) : 0;
		if (!R->o->full && (masked != R->rc.masked || !login || strcmp(login, R->o->login) != 0)) {
			snprintf(R->why, R->whysize,
			         _("This database was fed into the warehouse by %s (%s); fed by %s (%s), "
			           "the warehouse would hold two workers' views of it at once. Feed it as %s, "
			           "or add --full to feed it again whole as %s."),
			         login ? login : "?", masked ? _("sensitive fields masked") : _("unmasked"),
			         R->o->login, R->rc.masked ? _("sensitive fields masked") : _("unmasked"),
			         login ? login : "?", R->o->login);
			rc = -1;
		} else if (!R->o->full && !trail_found(R, pg_value(&r, 0, 3), pg_value(&r, 0, 4))) {
			snprintf(R->why, R->whysize,
			         _("The warehouse was fed from this database as its audit trail stood at "
			           "entry %s, which this database no longer has as it was (was it restored "
			           "from a backup?): feed it again with --full."),
			         pg_value(&r, 0, 3));
			rc = -1;
		} else if (!R->o->full && R->mark > R->top) {
			snprintf(R->why, R->whysize,
			         _("The warehouse holds this database's changes up to number %llu, but the "
			           "database's last is %llu (was it restored from a backup?): feed it "
			           "again with --full."),
			         (unsigned long long)R->mark, (unsigned long long)R->top);
			rc = -1;
		}
	}
	pg_rows_free(&r);
	if (R->o->full)
		R->mark = 0;
	return rc;
}

/* The units in the worker's reach as an array literal (NULL: all). */
static int
reach_literal(struct run *R)
{
	const struct scope *sc = R->o->sc;
	if (!sc)
		return 0;
	struct strbuf b = {0};
	sb_str(&b, "{");
	for (size_t i = 0; i < sc->nreach; i++) {
		sb_str(&b, i ? "," : "");
		sb_str(&b, sc->reach[i]);
	}
	sb_str(&b, "}");
	R->reach = sb_detach(&b);
	return R->reach ? 0 : nomem(R);
}

/* One session feeds a site into a schema at a time (cron's run and a
 * worker's): a lock the server lets go when the session ends, however. */
static int
lock_site(struct run *R)
{
	char key[128];
	snprintf(key, sizeof key, "shegong feed %s %s", R->schema, R->site);
	const char *p[1] = {key};
	struct pg_rows r;
	if (pg_query(R->pg, "SELECT pg_try_advisory_lock(hashtext($1))", 1, p, &r, R->why,
	             R->whysize) < 0)
		return -1;
	bool got = pg_value(&r, 0, 0) && strcmp(pg_value(&r, 0, 0), "t") == 0;
	pg_rows_free(&r);
	if (!got) {
		snprintf(R->why, R->whysize, "%s",
		         _("Another feed of this database into the warehouse is running; this one "
		           "stops. Run it again when that one has ended."));
		return -1;
	}
	return 0;
}

static int
audit_feed(struct run *R, struct feed_result *res)
{
	/* the note holds 255 bytes: the warehouse's name cut to fit */
	char note[512];
	snprintf(note, sizeof note, "to %.100s schema %s: changes %" PRIu64 "..%" PRIu64 "%s%s",
	         res->where, R->schema, R->mark, R->top, R->rc.masked ? ", masked" : "",
	         R->o->full ? ", full" : "");
	char *safe = text_sanitize(note, strlen(note), 0);
	int err = audit_log_now(R->st, "feed", NULL, safe ? safe : note);
	free(safe);
	if (!err)
		err = store_read(R->st, last_trail_txn, R);
	if (err) {
		snprintf(R->why, R->whysize,
		         _("nothing was fed, because the feed could not be written to the audit trail: "
		           "%s"),
		         store_strerror(err));
		return -1;
	}
	return 0;
}

static int
feed_batches(struct run *R, struct feed_result *res)
{
	bool first = true;
	while (R->mark < R->top) {
		batch_reset(R);
		int err = store_read(R->st, gather_txn, R);
		if (err) {
			snprintf(R->why, R->whysize, "%s", store_strerror(err));
			return -1;
		}
		if (R->taken == 0) {
			/* the changes up to top were all numbered again since: the
			 * mark goes to top, nothing else to write */
			R->last = R->top;
		}
		if (write_batch(R, first, &res->rows) < 0)
			return -1;
		first = false;
		res->removed += R->removed;
		res->batches++;
		res->to = R->mark;
		if (R->o->progress)
			R->o->progress(R->mark, R->top, res->rows, R->o->ctx);
	}
	res->skipped = R->skipped;
	return 0;
}

static int
feed_connected(struct run *R, struct feed_result *res)
{
	if (pg_server_version(R->pg) < 90500) {
		snprintf(R->why, R->whysize, "%s",
		         _("The warehouse's PostgreSQL is older than 9.5, which the feed needs (its "
		           "views count by GROUPING SETS): ask for a newer server."));
		return -1;
	}
	if (lock_site(R) < 0 ||
	    feed_schema_ensure(R->pg, R->schema, R->tables, R->ntables, R->why, R->whysize) < 0)
		return -1;
	int err = store_read(R->st, top_txn, &R->top);
	if (err) {
		snprintf(R->why, R->whysize, "%s", store_strerror(err));
		return -1;
	}
	if (read_mark(R) < 0)
		return -1;
	res->from = res->to = R->mark;
	if (R->mark >= R->top && !R->o->full)
		return 0;   /* nothing new: nothing written, nothing logged */
	if (reach_literal(R) < 0 || audit_feed(R, res) < 0)
		return -1;
	return feed_batches(R, res);
}

int
feed_run(store *st, const struct feed_opts *o, struct feed_result *res, char *msg,
         size_t msgsize)
{
	memset(res, 0, sizeof *res);
	msg[0] = '\0';
	struct run R = {.o = o, .st = st, .why = msg, .whysize = msgsize};
	R.schema = o->schema ? o->schema : FEED_SCHEMA;
	R.batch = o->batch ? o->batch : FEED_BATCH;
	if (!feed_name_ok(R.schema)) {
		snprintf(msg, msgsize,
		         _("The schema's name \"%s\" is not one the feed takes: lowercase letters, "
		           "digits and _, starting with a letter, at most 63."),
		         R.schema);
		return -1;
	}
	snprintf(R.site, sizeof R.site, "%012" PRIx64, store_site(st));
	snprintf(res->site, sizeof res->site, "%s", R.site);
	R.rc.site = R.site;
	R.rc.masked = !scope_may_see_sensitive(o->sc);
	res->masked = R.rc.masked;
	R.tables = feed_tables_make(o->forms, &R.ntables);
	R.per = R.tables ? calloc(R.ntables, sizeof *R.per) : NULL;
	int rc = -1;
	if (!R.per)
		nomem(&R);
	else if (pg_connect(&R.pg, o->conninfo, msg, msgsize) == 0) {
		pg_where(R.pg, res->where, sizeof res->where);
		rc = feed_connected(&R, res);
	}
	if (R.per)
		batch_reset(&R);
	free(R.per);
	free(R.reach);
	feed_tables_free(R.tables, R.ntables);
	pg_finish(R.pg);
	return rc;
}
