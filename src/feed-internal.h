/* feed-internal.h: what the feed-*.c files share and nothing else
 * includes: the connection to PostgreSQL (feed-pg.c, libpq opened when
 * first needed), the tables and their columns (feed-schema.c), the rows
 * (feed-row.c). */
#ifndef SHEGONG_FEED_INTERNAL_H
#define SHEGONG_FEED_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "form.h"
#include "record.h"
#include "util.h"

/* --- feed-pg.c: PostgreSQL through libpq ----------------------------------- */

struct pg;

/* Rows of a query: values as text, NULL for SQL NULL. */
struct pg_rows {
	void *res;
	int n, ncols;
};

/* Open libpq (once) and connect: UTF-8, notices silenced, ISO dates.
 * 0, or -1 with why (a sentence, translated). */
int pg_connect(struct pg **out, const char *conninfo, char *why, size_t whysize);
void pg_finish(struct pg *pg);
/* "user@host:port/database" (no password), for messages and the audit. */
const char *pg_where(struct pg *pg, char *buf, size_t size);
/* The server's version as libpq gives it (150004 for 15.4). */
int pg_server_version(struct pg *pg);
/* A statement with text parameters ($1 ...; NULL for SQL NULL); *affected
 * (may be NULL) the rows it changed.  0, or -1 with why. */
int pg_exec(struct pg *pg, const char *sql, int nparams, const char *const *params,
            long *affected, char *why, size_t whysize);
/* A query: its rows in *out (pg_rows_free them).  0, or -1 with why. */
int pg_query(struct pg *pg, const char *sql, int nparams, const char *const *params,
             struct pg_rows *out, char *why, size_t whysize);
const char *pg_value(const struct pg_rows *r, int row, int col);
void pg_rows_free(struct pg_rows *r);
/* COPY ... FROM STDIN with data (COPY's text format) as its input;
 * *rows the rows it took.  0, or -1 with why. */
int pg_copy(struct pg *pg, const char *sql, const char *data, size_t len, long *rows,
            char *why, size_t whysize);
/* An identifier as SQL writes it: names here are checked to be lowercase
 * ASCII letters, digits and '_' (feed_name_ok), so quotes only guard
 * against a word SQL keeps. */
void pg_ident(struct strbuf *b, const char *name);

/* --- feed-schema.c: tables, columns, views -------------------------------------- */

/* A column's type in the warehouse. */
enum feed_type {
	FEED_TEXT = 1,
	FEED_BIGINT,      /* integer fields */
	FEED_NUMERIC,     /* decimal fields */
	FEED_DATE,
	FEED_BOOL,        /* yes/no */
	FEED_TEXTS,       /* several choices, several references: text[] */
	FEED_JSONB,       /* amounts: [{"id": ..., "amount": ...}], and _extra */
	FEED_TIME,        /* timestamptz: the stamps */
	FEED_INT,         /* integer: the version */
};

/* The program's own columns, first in every table, in this order. */
enum feed_fixed {
	FC_SITE, FC_ID, FC_UNIT, FC_FORM, FC_VERSION, FC_CREATED_AT, FC_UPDATED_AT,
	FC_CHANGED_ON, FC_CREATED_BY, FC_UPDATED_BY, FC_VOID, FC_VOID_REASON, FC_CHANGE, FC_EXTRA,
	FC_COUNT
};

struct feed_col {
	char name[64];
	enum feed_type type;
	enum field_type ft;   /* the field's type (0 for the program's own columns) */
	/* the field of the forms (a sensitive one when any form of the kind
	 * marks the field sensitive), whose form_hidden and form_mask the
	 * row follows; NULL for the program's own columns and a unit's */
	const struct form_field *fd;
};

struct feed_table {
	int kind;
	const char *name;     /* "residents" */
	size_t ncols;         /* FC_COUNT own columns, then the fields' */
	struct feed_col *cols;
};

/* The tables of the kinds the warehouse keeps, their columns from the
 * forms.  NULL when out of memory. */
struct feed_table *feed_tables_make(const struct formset *fs, size_t *n);
void feed_tables_free(struct feed_table *t, size_t n);
/* The table of a kind, or NULL (accounts: not kept). */
const struct feed_table *feed_table_of(const struct feed_table *t, size_t n, int kind);
/* Whether name may be a schema's or a column's name here. */
bool feed_name_ok(const char *name);
/* The schema, its tables (columns the forms added since are added), the
 * marks and the views made in one transaction, under a lock that keeps
 * two feeds from making them at once.  0, or -1 with why. */
int feed_schema_ensure(struct pg *pg, const char *schema, const struct feed_table *t, size_t n,
                       char *why, size_t whysize);

/* --- feed-row.c: a record as a row of COPY's text format ------------------------ */

struct feed_row_ctx {
	const char *site;     /* hex */
	bool masked;          /* sensitive fields masked (form_hidden) */
};

/* Add r as one line of COPY text to b, its columns t's; 0, or -1 when
 * out of memory (b failed). */
int feed_row(struct strbuf *b, const struct feed_table *t, const record *r, uint64_t change,
             const struct feed_row_ctx *c);

#endif
