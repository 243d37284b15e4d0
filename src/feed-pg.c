/* feed-pg.c: PostgreSQL for the warehouse (feed.c) through libpq, which is
 * opened with dlopen the first time a feed connects (lazylib.h): the
 * program's start-up does not load it and the twenty libraries it brings.
 * Built only when configure found libpq (HAVE_LIBPQ); otherwise every
 * call says the feed was not built. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed-internal.h"
#include "feed.h"
#include "i18n.h"
#include "lazylib.h"

void
pg_ident(struct strbuf *b, const char *name)
{
	sb_str(b, "\"");
	sb_str(b, name);
	sb_str(b, "\"");
}

#ifdef HAVE_LIBPQ

#include <libpq-fe.h>

/* libpq's functions, looked up when it is first opened. */
static struct {
	PGconn *(*PQconnectdbParams)(const char *const *, const char *const *, int);
	ConnStatusType (*PQstatus)(const PGconn *);
	char *(*PQerrorMessage)(const PGconn *);
	void (*PQfinish)(PGconn *);
	PGresult *(*PQexec)(PGconn *, const char *);
	PGresult *(*PQexecParams)(PGconn *, const char *, int, const Oid *, const char *const *,
	                          const int *, const int *, int);
	ExecStatusType (*PQresultStatus)(const PGresult *);
	char *(*PQresultErrorMessage)(const PGresult *);
	void (*PQclear)(PGresult *);
	int (*PQntuples)(const PGresult *);
	int (*PQnfields)(const PGresult *);
	char *(*PQgetvalue)(const PGresult *, int, int);
	int (*PQgetisnull)(const PGresult *, int, int);
	char *(*PQcmdTuples)(PGresult *);
	int (*PQputCopyData)(PGconn *, const char *, int);
	int (*PQputCopyEnd)(PGconn *, const char *);
	PGresult *(*PQgetResult)(PGconn *);
	int (*PQsetClientEncoding)(PGconn *, const char *);
	PQnoticeProcessor (*PQsetNoticeProcessor)(PGconn *, PQnoticeProcessor, void *);
	char *(*PQhost)(const PGconn *);
	char *(*PQport)(const PGconn *);
	char *(*PQdb)(const PGconn *);
	char *(*PQuser)(const PGconn *);
	int (*PQserverVersion)(const PGconn *);
} lp;

#define SYM(f) {#f, &lp.f, sizeof lp.f}
static const struct lazylib_sym syms[] = {
	SYM(PQconnectdbParams),   SYM(PQstatus),       SYM(PQerrorMessage),  SYM(PQfinish),
	SYM(PQexec),        SYM(PQexecParams),  SYM(PQresultStatus), SYM(PQresultErrorMessage), SYM(PQclear),
	SYM(PQntuples),     SYM(PQnfields),      SYM(PQgetvalue),      SYM(PQgetisnull),
	SYM(PQcmdTuples),   SYM(PQputCopyData),  SYM(PQputCopyEnd),    SYM(PQgetResult),
	SYM(PQsetClientEncoding), SYM(PQsetNoticeProcessor), SYM(PQhost), SYM(PQport),
	SYM(PQdb),          SYM(PQuser),         SYM(PQserverVersion),
};

static void *handle;

struct pg {
	PGconn *conn;
};

/* A server's or libpq's message on one line, without its trailing newline. */
static void
say_pg(char *why, size_t size, const char *what, const char *msg)
{
	char one[512];
	snprintf(one, sizeof one, "%s", msg ? msg : "");
	for (char *p = one; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	size_t n = strlen(one);
	while (n && one[n - 1] == ' ')
		one[--n] = '\0';
	snprintf(why, size, "%s: %s", what, one);
}

/* Notices (a table already there ...) are not the worker's business. */
static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

int
pg_connect(struct pg **out, const char *conninfo, char *why, size_t whysize)
{
	*out = NULL;
	if (!lazylib_load(&handle, LIBPQ_SONAME, syms, NELEM(syms), _("The warehouse (shegong feed)"),
	                  "libpq5", why, whysize))
		return -1;
	struct pg *pg = calloc(1, sizeof *pg);
	if (!pg) {
		snprintf(why, whysize, "%s", _("out of memory"));
		return -1;
	}
	/* the conninfo as given (expand_dbname), named "shegong feed" in
	 * pg_stat_activity unless it names itself */
	const char *const keys[] = {"dbname", "fallback_application_name", NULL};
	const char *const values[] = {conninfo, "shegong feed", NULL};
	pg->conn = lp.PQconnectdbParams(keys, values, 1);
	if (!pg->conn || lp.PQstatus(pg->conn) != CONNECTION_OK) {
		say_pg(why, whysize, _("The warehouse (PostgreSQL) could not be reached"),
		       pg->conn ? lp.PQerrorMessage(pg->conn) : _("out of memory"));
		pg_finish(pg);
		return -1;
	}
	lp.PQsetNoticeProcessor(pg->conn, quiet, NULL);
	if (lp.PQsetClientEncoding(pg->conn, "UTF8") != 0 ||
	    pg_exec(pg, "SET datestyle = 'ISO, YMD'", 0, NULL, NULL, why, whysize) < 0) {
		if (!*why)
			say_pg(why, whysize, _("The warehouse (PostgreSQL) could not be reached"),
			       lp.PQerrorMessage(pg->conn));
		pg_finish(pg);
		return -1;
	}
	*out = pg;
	return 0;
}

void
pg_finish(struct pg *pg)
{
	if (!pg)
		return;
	if (pg->conn)
		lp.PQfinish(pg->conn);
	free(pg);
}

const char *
pg_where(struct pg *pg, char *buf, size_t size)
{
	const char *host = lp.PQhost(pg->conn), *port = lp.PQport(pg->conn);
	const char *db = lp.PQdb(pg->conn), *user = lp.PQuser(pg->conn);
	snprintf(buf, size, "%s@%s:%s/%s", user ? user : "", host ? host : "", port ? port : "",
	         db ? db : "");
	return buf;
}

int
pg_server_version(struct pg *pg)
{
	return lp.PQserverVersion(pg->conn);
}

/* Without parameters by the simple protocol, which takes several
 * statements at once (the views); with them, by the extended one. */
static PGresult *
run(struct pg *pg, const char *sql, int nparams, const char *const *params)
{
	if (nparams == 0)
		return lp.PQexec(pg->conn, sql);
	return lp.PQexecParams(pg->conn, sql, nparams, NULL, params, NULL, NULL, 0);
}

/* The result's failure said in why; 0 when it is one of the good ones. */
static int
check(struct pg *pg, PGresult *res, ExecStatusType good, char *why, size_t whysize)
{
	if (res && lp.PQresultStatus(res) == good)
		return 0;
	say_pg(why, whysize, _("The warehouse (PostgreSQL) refused"),
	       res ? lp.PQresultErrorMessage(res) : lp.PQerrorMessage(pg->conn));
	return -1;
}

int
pg_exec(struct pg *pg, const char *sql, int nparams, const char *const *params, long *affected,
        char *why, size_t whysize)
{
	PGresult *res = run(pg, sql, nparams, params);
	ExecStatusType st = res ? lp.PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = check(pg, res, st == PGRES_TUPLES_OK ? PGRES_TUPLES_OK : PGRES_COMMAND_OK, why,
	               whysize);
	if (!rc && affected) {
		const char *n = lp.PQcmdTuples(res);
		*affected = n && *n ? strtol(n, NULL, 10) : 0;
	}
	lp.PQclear(res);
	return rc;
}

int
pg_query(struct pg *pg, const char *sql, int nparams, const char *const *params,
         struct pg_rows *out, char *why, size_t whysize)
{
	memset(out, 0, sizeof *out);
	PGresult *res = run(pg, sql, nparams, params);
	if (check(pg, res, PGRES_TUPLES_OK, why, whysize) < 0) {
		lp.PQclear(res);
		return -1;
	}
	out->res = res;
	out->n = lp.PQntuples(res);
	out->ncols = lp.PQnfields(res);
	return 0;
}

const char *
pg_value(const struct pg_rows *r, int row, int col)
{
	if (!r->res || row >= r->n || col >= r->ncols || lp.PQgetisnull(r->res, row, col))
		return NULL;
	return lp.PQgetvalue(r->res, row, col);
}

void
pg_rows_free(struct pg_rows *r)
{
	if (r->res)
		lp.PQclear(r->res);
	memset(r, 0, sizeof *r);
}

int
pg_copy(struct pg *pg, const char *sql, const char *data, size_t len, long *rows, char *why,
        size_t whysize)
{
	PGresult *res = run(pg, sql, 0, NULL);
	int rc = check(pg, res, PGRES_COPY_IN, why, whysize);
	lp.PQclear(res);
	if (rc)
		return rc;
	/* in pieces: PQputCopyData takes an int */
	const size_t piece = 1 << 20;
	int ok = 1;
	for (size_t at = 0; at < len && ok == 1; at += piece)
		ok = lp.PQputCopyData(pg->conn, data + at, (int)(len - at < piece ? len - at : piece));
	if (ok == 1)
		ok = lp.PQputCopyEnd(pg->conn, NULL);
	if (ok != 1) {
		say_pg(why, whysize, _("The warehouse (PostgreSQL) could not be written"),
		       lp.PQerrorMessage(pg->conn));
		rc = -1;
	}
	/* the COPY's own result, then none */
	while ((res = lp.PQgetResult(pg->conn))) {
		if (!rc && check(pg, res, PGRES_COMMAND_OK, why, whysize) < 0)
			rc = -1;
		if (!rc && rows) {
			const char *n = lp.PQcmdTuples(res);
			*rows = n && *n ? strtol(n, NULL, 10) : 0;
		}
		lp.PQclear(res);
	}
	return rc;
}

#else /* !HAVE_LIBPQ */

static int
not_built(char *why, size_t whysize)
{
	snprintf(why, whysize, "%s",
	         _("This shegong was built without PostgreSQL, so it cannot feed a warehouse: ask "
	           "the administrator to install the package libpq-dev and build it again."));
	return -1;
}

int
pg_connect(struct pg **out, const char *conninfo, char *why, size_t whysize)
{
	(void)conninfo;
	*out = NULL;
	return not_built(why, whysize);
}

void
pg_finish(struct pg *pg)
{
	(void)pg;
}

const char *
pg_where(struct pg *pg, char *buf, size_t size)
{
	(void)pg;
	snprintf(buf, size, "?");
	return buf;
}

int
pg_server_version(struct pg *pg)
{
	(void)pg;
	return 0;
}

int
pg_exec(struct pg *pg, const char *sql, int nparams, const char *const *params, long *affected,
        char *why, size_t whysize)
{
	(void)pg, (void)sql, (void)nparams, (void)params, (void)affected;
	return not_built(why, whysize);
}

int
pg_query(struct pg *pg, const char *sql, int nparams, const char *const *params,
         struct pg_rows *out, char *why, size_t whysize)
{
	(void)pg, (void)sql, (void)nparams, (void)params;
	memset(out, 0, sizeof *out);
	return not_built(why, whysize);
}

const char *
pg_value(const struct pg_rows *r, int row, int col)
{
	(void)r, (void)row, (void)col;
	return NULL;
}

void
pg_rows_free(struct pg_rows *r)
{
	memset(r, 0, sizeof *r);
}

int
pg_copy(struct pg *pg, const char *sql, const char *data, size_t len, long *rows, char *why,
        size_t whysize)
{
	(void)pg, (void)sql, (void)data, (void)len, (void)rows;
	return not_built(why, whysize);
}

#endif

bool
feed_available(void)
{
#ifdef HAVE_LIBPQ
	return true;
#else
	return false;
#endif
}
