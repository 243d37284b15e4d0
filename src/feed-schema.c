/* feed-schema.c: the warehouse's tables (one per kind, columns from the
 * forms), its marks and the views that give `shegong report`'s figures,
 * made or brought up to date in PostgreSQL before a feed writes rows. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed-internal.h"
#include "i18n.h"
#include "sha256.h"

/* The kinds the warehouse keeps and their tables (accounts are not kept:
 * they are the workers', not the residents' or the rooms'). */
static const struct {
	int kind;
	const char *name;
} kinds[] = {
	{REC_UNIT, "units"},          {REC_RESIDENT, "residents"}, {REC_NEED, "needs"},
	{REC_SERVICE, "services"},    {REC_VOLUNTEER, "volunteers"}, {REC_ORG, "orgs"},
	{REC_RESOURCE, "resources"},  {REC_REFERRAL, "referrals"}, {REC_PROJECT, "projects"},
};

/* The program's own columns (enum feed_fixed's order). */
static const struct {
	const char *name;
	enum feed_type type;
	const char *constraint;
} fixed[FC_COUNT] = {
	[FC_SITE] = {"_site", FEED_TEXT, " NOT NULL"},
	[FC_ID] = {"_id", FEED_TEXT, " NOT NULL"},
	[FC_UNIT] = {"_unit", FEED_TEXT, ""},
	[FC_FORM] = {"_form", FEED_TEXT, ""},
	[FC_VERSION] = {"_version", FEED_INT, ""},
	[FC_CREATED_AT] = {"_created_at", FEED_TIME, ""},
	[FC_UPDATED_AT] = {"_updated_at", FEED_TIME, ""},
	[FC_CHANGED_ON] = {"_changed_on", FEED_DATE, ""},
	[FC_CREATED_BY] = {"_created_by", FEED_TEXT, ""},
	[FC_UPDATED_BY] = {"_updated_by", FEED_TEXT, ""},
	[FC_VOID] = {"_void", FEED_BOOL, " NOT NULL DEFAULT false"},
	[FC_VOID_REASON] = {"_void_reason", FEED_TEXT, ""},
	[FC_CHANGE] = {"_change", FEED_BIGINT, ""},
	[FC_EXTRA] = {"_extra", FEED_JSONB, ""},
};

/* Columns the views read, there whatever the forms say (a unit's are the
 * fields orgunit.c gives every unit: units have no form). */
static const struct {
	int kind;
	const char *name;
	enum feed_type type;
} needed[] = {
	{REC_UNIT, "code", FEED_TEXT},          {REC_UNIT, "name", FEED_TEXT},
	{REC_UNIT, "level", FEED_TEXT},         {REC_UNIT, "parent", FEED_TEXT},
	{REC_SERVICE, "date", FEED_DATE},       {REC_SERVICE, "function", FEED_TEXT},
	{REC_SERVICE, "beneficiaries", FEED_TEXTS}, {REC_SERVICE, "headcount", FEED_BIGINT},
	{REC_SERVICE, "volunteers", FEED_JSONB},
	{REC_NEED, "date", FEED_DATE},          {REC_NEED, "status", FEED_TEXT},
	{REC_REFERRAL, "submitted", FEED_DATE}, {REC_REFERRAL, "resolved", FEED_DATE},
	{REC_ORG, "stage", FEED_TEXT},
};

/* As format_type() names them, so that a column found can be compared. */
static const char *
sql_type(enum feed_type t)
{
	switch (t) {
	case FEED_BIGINT: return "bigint";
	case FEED_NUMERIC: return "numeric";
	case FEED_DATE: return "date";
	case FEED_BOOL: return "boolean";
	case FEED_TEXTS: return "text[]";
	case FEED_JSONB: return "jsonb";
	case FEED_TIME: return "timestamp with time zone";
	case FEED_INT: return "integer";
	default: return "text";
	}
}

static enum feed_type
type_of_field(enum field_type ft)
{
	switch (ft) {
	case FT_INTEGER: return FEED_BIGINT;
	case FT_DECIMAL: return FEED_NUMERIC;
	case FT_DATE: return FEED_DATE;
	case FT_YESNO: return FEED_BOOL;
	case FT_SELECT_MULTIPLE:
	case FT_REFERENCES: return FEED_TEXTS;
	case FT_AMOUNTS: return FEED_JSONB;
	default: return FEED_TEXT;
	}
}

bool
feed_name_ok(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > 63 || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '_'))
			return false;
	return true;
}

/* The column named name of t, or NULL. */
static struct feed_col *
col_find(struct feed_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return &t->cols[i];
	return NULL;
}

static struct feed_col *
col_add(struct feed_table *t, size_t *cap, const char *name, enum feed_type type,
        enum field_type ft)
{
	if (!util_grow((void **)&t->cols, cap, t->ncols + 1, sizeof *t->cols))
		return NULL;
	struct feed_col *c = &t->cols[t->ncols++];
	memset(c, 0, sizeof *c);
	snprintf(c->name, sizeof c->name, "%s", name);
	c->type = type;
	c->ft = ft;
	return c;
}

/* t's columns: its own, then each field of each form of the kind (the
 * first form naming a field gives its type; sensitive when any marks it),
 * then what the views need that the forms lack. */
static int
table_make(struct feed_table *t, const struct formset *fs)
{
	size_t cap = 0;
	for (size_t i = 0; i < FC_COUNT; i++)
		if (!col_add(t, &cap, fixed[i].name, fixed[i].type, 0))
			return -1;
	for (size_t f = 0; fs && f < fs->nforms; f++) {
		const struct form *fm = fs->forms[f];
		if (fm->kind != t->kind)
			continue;
		for (size_t i = 0; i < fm->nfields; i++) {
			const struct form_field *fd = &fm->fields[i];
			if (fd->type == FT_CALCULATE || !feed_name_ok(fd->name) ||
			    fd->name[0] == FORM_INTERNAL_PREFIX)
				continue;
			struct feed_col *c = col_find(t, fd->name);
			if (!c && !(c = col_add(t, &cap, fd->name, type_of_field(fd->type), fd->type)))
				return -1;
			if (!c->fd || (fd->sensitive && !c->fd->sensitive))
				c->fd = fd;
		}
	}
	for (size_t i = 0; i < NELEM(needed); i++)
		if (needed[i].kind == t->kind && !col_find(t, needed[i].name) &&
		    !col_add(t, &cap, needed[i].name, needed[i].type, 0))
			return -1;
	return 0;
}

struct feed_table *
feed_tables_make(const struct formset *fs, size_t *n)
{
	*n = 0;
	struct feed_table *t = calloc(NELEM(kinds), sizeof *t);
	if (!t)
		return NULL;
	for (size_t i = 0; i < NELEM(kinds); i++) {
		t[i].kind = kinds[i].kind;
		t[i].name = kinds[i].name;
		*n = i + 1;
		if (table_make(&t[i], fs) < 0) {
			feed_tables_free(t, *n);
			*n = 0;
			return NULL;
		}
	}
	return t;
}

void
feed_tables_free(struct feed_table *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++)
		free(t[i].cols);
	free(t);
}

const struct feed_table *
feed_table_of(const struct feed_table *t, size_t n, int kind)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].kind == kind)
			return &t[i];
	return NULL;
}

/* --- the views ------------------------------------------------------------------ */

/* `shegong report`'s figures (report.h says what each counts), by site,
 * month and unit; a row whose unit is NULL is the site's total (a record
 * without a unit counts there alone, under unit ''), a row whose function
 * is NULL all functions.  Voided records are left out, as the indexes the
 * report reads leave them out; referrals and organisations count only
 * for units in the feeding worker's reach (feed_mark.reach), as the
 * report finds them unit by unit.  Each level (unit and function, unit,
 * function, the site) is a plain GROUP BY of its own joined by UNION ALL,
 * over a view of rows (service_lines, need_events, referral_events), so
 * that a query's site and month reach the tables' scans (GROUPING SETS
 * and shared CTEs would make every query count the whole warehouse).
 * '@' stands for the schema. */
static const char views_sql[] =
	/* a service, once for each resident it names (or once, naming none):
	 * first marks the line that carries the service's own numbers */
	"CREATE VIEW @.service_lines AS\n"
	"SELECT s._site AS site, coalesce(s._unit, '') AS unit, s.date AS day,\n"
	"       to_char(s.date, 'YYYY-MM') AS month, coalesce(s.function, '') AS function, s._id AS id, b.beneficiary,\n"
	"       coalesce(b.ord, 1) = 1 AS first,\n"
	"       CASE WHEN s.headcount > coalesce(cardinality(s.beneficiaries), 0)\n"
	"            THEN s.headcount - coalesce(cardinality(s.beneficiaries), 0) ELSE 0 END AS extra,\n"
	"       coalesce((SELECT sum((e->>'amount')::numeric) FROM jsonb_array_elements(\n"
	"           CASE WHEN jsonb_typeof(s.volunteers) = 'array' THEN s.volunteers\n"
	"                ELSE '[]'::jsonb END) AS e), 0) AS hours\n"
	"FROM @.services s\n"
	"LEFT JOIN LATERAL unnest(s.beneficiaries) WITH ORDINALITY AS b(beneficiary, ord) ON true\n"
	"WHERE NOT s._void AND s.date IS NOT NULL;\n"
	"CREATE VIEW @.report_services AS\n"
	"SELECT site, month, unit, function, count(DISTINCT id) AS services,\n"
	"       count(DISTINCT beneficiary) + coalesce(sum(extra) FILTER (WHERE first), 0) AS people,\n"
	"       coalesce(sum(hours) FILTER (WHERE first), 0) AS volunteer_hours\n"
	"FROM @.service_lines GROUP BY site, month, unit, function\n"
	"UNION ALL\n"
	"SELECT site, month, unit, NULL, count(DISTINCT id),\n"
	"       count(DISTINCT beneficiary) + coalesce(sum(extra) FILTER (WHERE first), 0),\n"
	"       coalesce(sum(hours) FILTER (WHERE first), 0)\n"
	"FROM @.service_lines GROUP BY site, month, unit\n"
	"UNION ALL\n"
	"SELECT site, month, NULL, function, count(DISTINCT id),\n"
	"       count(DISTINCT beneficiary) + coalesce(sum(extra) FILTER (WHERE first), 0),\n"
	"       coalesce(sum(hours) FILTER (WHERE first), 0)\n"
	"FROM @.service_lines GROUP BY site, month, function\n"
	"UNION ALL\n"
	"SELECT site, month, NULL, NULL, count(DISTINCT id),\n"
	"       count(DISTINCT beneficiary) + coalesce(sum(extra) FILTER (WHERE first), 0),\n"
	"       coalesce(sum(hours) FILTER (WHERE first), 0)\n"
	"FROM @.service_lines GROUP BY site, month;\n"
	/* a need opened (its date), and a need met (the day it last changed) */
	"CREATE VIEW @.need_events AS\n"
	"SELECT _site AS site, coalesce(_unit, '') AS unit, date AS day,\n"
	"       to_char(date, 'YYYY-MM') AS month, 1 AS opened, 0 AS met\n"
	"FROM @.needs WHERE NOT _void AND date IS NOT NULL\n"
	"UNION ALL\n"
	"SELECT _site, coalesce(_unit, ''), _changed_on, to_char(_changed_on, 'YYYY-MM'), 0, 1\n"
	"FROM @.needs WHERE NOT _void AND status = 'met';\n"
	"CREATE VIEW @.report_needs AS\n"
	"SELECT site, month, unit, sum(opened)::bigint AS opened, sum(met)::bigint AS met\n"
	"FROM @.need_events GROUP BY site, month, unit\n"
	"UNION ALL\n"
	"SELECT site, month, NULL, sum(opened)::bigint, sum(met)::bigint\n"
	"FROM @.need_events GROUP BY site, month;\n"
	/* a referral made (submitted), and one resolved with its days */
	"CREATE VIEW @.referral_events AS\n"
	"SELECT f._site AS site, coalesce(f._unit, '') AS unit, f.submitted AS day,\n"
	"       to_char(f.submitted, 'YYYY-MM') AS month, 1 AS made, NULL::integer AS days\n"
	"FROM @.referrals f JOIN @.feed_mark m ON m.site = f._site\n"
	"WHERE NOT f._void AND f.submitted IS NOT NULL\n"
	"  AND (m.reach IS NULL OR f._unit = ANY (m.reach))\n"
	"UNION ALL\n"
	"SELECT f._site, coalesce(f._unit, ''), f.resolved, to_char(f.resolved, 'YYYY-MM'), 0,\n"
	"       f.resolved - f.submitted\n"
	"FROM @.referrals f JOIN @.feed_mark m ON m.site = f._site\n"
	"WHERE NOT f._void AND f.resolved IS NOT NULL AND f.submitted IS NOT NULL\n"
	"  AND f.resolved >= f.submitted AND (m.reach IS NULL OR f._unit = ANY (m.reach));\n"
	"CREATE VIEW @.report_referrals AS\n"
	"SELECT site, month, unit, sum(made)::bigint AS made, count(days) AS resolved,\n"
	"       percentile_cont(0.5) WITHIN GROUP (ORDER BY days) AS days_median,\n"
	"       avg(days) AS days_mean\n"
	"FROM @.referral_events GROUP BY site, month, unit\n"
	"UNION ALL\n"
	"SELECT site, month, NULL, sum(made)::bigint, count(days),\n"
	"       percentile_cont(0.5) WITHIN GROUP (ORDER BY days), avg(days)\n"
	"FROM @.referral_events GROUP BY site, month;\n"
	/* organisations being cultivated now (no month: the form keeps no
	 * date of the stage) */
	"CREATE VIEW @.report_orgs AS\n"
	"SELECT g._site AS site, coalesce(g._unit, '') AS unit, count(*) AS cultivating\n"
	"FROM @.orgs g JOIN @.feed_mark m ON m.site = g._site\n"
	"WHERE NOT g._void AND g.stage = 'cultivating' AND (m.reach IS NULL OR g._unit = ANY (m.reach))\n"
	"GROUP BY g._site, coalesce(g._unit, '')\n"
	"UNION ALL\n"
	"SELECT g._site, NULL, count(*)\n"
	"FROM @.orgs g JOIN @.feed_mark m ON m.site = g._site\n"
	"WHERE NOT g._void AND g.stage = 'cultivating' AND (m.reach IS NULL OR g._unit = ANY (m.reach))\n"
	"GROUP BY g._site;\n"
	"CREATE VIEW @.report_figures AS\n"
	"SELECT f.site, f.month, f.unit, u.code AS unit_code, u.name AS unit_name, f.figure,\n"
	"       f.function, f.value\n"
	"FROM (\n"
	"  SELECT site, month, unit, 'services' AS figure, function, services::numeric AS value\n"
	"  FROM @.report_services\n"
	"  UNION ALL SELECT site, month, unit, 'people', function, people::numeric\n"
	"  FROM @.report_services\n"
	"  UNION ALL SELECT site, month, unit, 'volunteer_hours', NULL, volunteer_hours\n"
	"  FROM @.report_services WHERE function IS NULL\n"
	"  UNION ALL SELECT site, month, unit, 'needs_opened', NULL, opened FROM @.report_needs\n"
	"  UNION ALL SELECT site, month, unit, 'needs_met', NULL, met FROM @.report_needs\n"
	"  UNION ALL SELECT site, month, unit, 'referrals_made', NULL, made FROM @.report_referrals\n"
	"  UNION ALL SELECT site, month, unit, 'referrals_resolved', NULL, resolved\n"
	"  FROM @.report_referrals\n"
	"  UNION ALL SELECT site, month, unit, 'days_median', NULL, days_median::numeric\n"
	"  FROM @.report_referrals WHERE resolved > 0\n"
	"  UNION ALL SELECT site, month, unit, 'days_mean', NULL, days_mean\n"
	"  FROM @.report_referrals WHERE resolved > 0\n"
	"  UNION ALL SELECT site, NULL, unit, 'orgs_cultivating', NULL, cultivating\n"
	"  FROM @.report_orgs\n"
	") f LEFT JOIN @.units u ON u._site = f.site AND u._id = f.unit;\n"
	/* the same figures for the days from first_day up to (not including)
	 * next_day: a month is its first day and the next month's.  Each
	 * selects its rows by that range of the typed date before it groups
	 * them, so the range reaches the tables' scans (a table partitioned
	 * by the date reads only the partitions that hold those days, as a
	 * month's to_char above never can); plain SQL, stable, not strict,
	 * so PostgreSQL plans them inline with the query that calls them */
	"CREATE FUNCTION @.report_services_between(first_day date, next_day date)\n"
	"RETURNS TABLE (site text, unit text, function text, services bigint, people numeric,\n"
	"               volunteer_hours numeric)\n"
	"LANGUAGE sql STABLE AS $f$\n"
	"SELECT site, unit, function, count(DISTINCT id),\n"
	"       (count(DISTINCT beneficiary) + coalesce(sum(extra) FILTER (WHERE first), 0))::numeric,\n"
	"       coalesce(sum(hours) FILTER (WHERE first), 0)::numeric\n"
	"FROM @.service_lines WHERE day >= $1 AND day < $2 GROUP BY site, unit, function\n"
	"UNION ALL\n"
	"SELECT site, unit, NULL, count(DISTINCT id),\n"
	"       (count(DISTINCT beneficiary) + coalesce(sum(extra) FILTER (WHERE first), 0))::numeric,\n"
	"       coalesce(sum(hours) FILTER (WHERE first), 0)::numeric\n"
	"FROM @.service_lines WHERE day >= $1 AND day < $2 GROUP BY site, unit\n"
	"UNION ALL\n"
	"SELECT site, NULL, function, count(DISTINCT id),\n"
	"       (count(DISTINCT beneficiary) + coalesce(sum(extra) FILTER (WHERE first), 0))::numeric,\n"
	"       coalesce(sum(hours) FILTER (WHERE first), 0)::numeric\n"
	"FROM @.service_lines WHERE day >= $1 AND day < $2 GROUP BY site, function\n"
	"UNION ALL\n"
	"SELECT site, NULL, NULL, count(DISTINCT id),\n"
	"       (count(DISTINCT beneficiary) + coalesce(sum(extra) FILTER (WHERE first), 0))::numeric,\n"
	"       coalesce(sum(hours) FILTER (WHERE first), 0)::numeric\n"
	"FROM @.service_lines WHERE day >= $1 AND day < $2 GROUP BY site\n"
	"$f$;\n"
	"CREATE FUNCTION @.report_needs_between(first_day date, next_day date)\n"
	"RETURNS TABLE (site text, unit text, opened bigint, met bigint)\n"
	"LANGUAGE sql STABLE AS $f$\n"
	"SELECT site, unit, sum(opened)::bigint, sum(met)::bigint\n"
	"FROM @.need_events WHERE day >= $1 AND day < $2 GROUP BY site, unit\n"
	"UNION ALL\n"
	"SELECT site, NULL, sum(opened)::bigint, sum(met)::bigint\n"
	"FROM @.need_events WHERE day >= $1 AND day < $2 GROUP BY site\n"
	"$f$;\n"
	"CREATE FUNCTION @.report_referrals_between(first_day date, next_day date)\n"
	"RETURNS TABLE (site text, unit text, made bigint, resolved bigint,\n"
	"               days_median double precision, days_mean numeric)\n"
	"LANGUAGE sql STABLE AS $f$\n"
	"SELECT site, unit, sum(made)::bigint, count(days),\n"
	"       percentile_cont(0.5) WITHIN GROUP (ORDER BY days), avg(days)\n"
	"FROM @.referral_events WHERE day >= $1 AND day < $2 GROUP BY site, unit\n"
	"UNION ALL\n"
	"SELECT site, NULL, sum(made)::bigint, count(days),\n"
	"       percentile_cont(0.5) WITHIN GROUP (ORDER BY days), avg(days)\n"
	"FROM @.referral_events WHERE day >= $1 AND day < $2 GROUP BY site\n"
	"$f$;\n"
	"CREATE FUNCTION @.report_figures_between(first_day date, next_day date)\n"
	"RETURNS TABLE (site text, unit text, unit_code text, unit_name text, figure text,\n"
	"               function text, value numeric)\n"
	"LANGUAGE sql STABLE AS $f$\n"
	"SELECT f.site, f.unit, u.code, u.name, f.figure, f.function, f.value\n"
	"FROM (\n"
	"  SELECT s.site, s.unit, 'services' AS figure, s.function, s.services::numeric AS value\n"
	"  FROM @.report_services_between($1, $2) s\n"
	"  UNION ALL SELECT s.site, s.unit, 'people', s.function, s.people\n"
	"  FROM @.report_services_between($1, $2) s\n"
	"  UNION ALL SELECT s.site, s.unit, 'volunteer_hours', NULL, s.volunteer_hours\n"
	"  FROM @.report_services_between($1, $2) s WHERE s.function IS NULL\n"
	"  UNION ALL SELECT n.site, n.unit, 'needs_opened', NULL, n.opened\n"
	"  FROM @.report_needs_between($1, $2) n\n"
	"  UNION ALL SELECT n.site, n.unit, 'needs_met', NULL, n.met\n"
	"  FROM @.report_needs_between($1, $2) n\n"
	"  UNION ALL SELECT r.site, r.unit, 'referrals_made', NULL, r.made\n"
	"  FROM @.report_referrals_between($1, $2) r\n"
	"  UNION ALL SELECT r.site, r.unit, 'referrals_resolved', NULL, r.resolved\n"
	"  FROM @.report_referrals_between($1, $2) r\n"
	"  UNION ALL SELECT r.site, r.unit, 'days_median', NULL, r.days_median::numeric\n"
	"  FROM @.report_referrals_between($1, $2) r WHERE r.resolved > 0\n"
	"  UNION ALL SELECT r.site, r.unit, 'days_mean', NULL, r.days_mean\n"
	"  FROM @.report_referrals_between($1, $2) r WHERE r.resolved > 0\n"
	"  UNION ALL SELECT o.site, o.unit, 'orgs_cultivating', NULL, o.cultivating\n"
	"  FROM @.report_orgs o\n"
	") f LEFT JOIN @.units u ON u._site = f.site AND u._id = f.unit\n"
	"$f$;\n";

/* The functions, as DROP FUNCTION names them. */
static const char *const function_names[] = {
	"report_figures_between(date, date)", "report_services_between(date, date)",
	"report_needs_between(date, date)", "report_referrals_between(date, date)",
};

/* In the order they may be dropped (those that use others first). */
static const char *const view_names[] = {
	"report_figures", "report_services", "report_needs", "report_referrals", "report_orgs",
	"service_lines", "need_events", "referral_events",
};

/* The views' SQL with the schema in place of '@'. */
static void
views_text(struct strbuf *b, const char *schema)
{
	for (const char *p = views_sql; *p; p++) {
		if (*p == '@')
			pg_ident(b, schema);
		else
			sb_add(b, p, 1);
	}
}

/* --- making them ------------------------------------------------------------------ */

struct ddl {
	struct pg *pg;
	const char *schema;
	struct pg_rows have;      /* relname, attname, type of the schema's columns */
	char *why;
	size_t whysize;
};

/* The type of table.column as the schema has it, or NULL when there is no
 * such column; *table_found whether the table is there at all. */
static const char *
have_column(const struct ddl *d, const char *table, const char *column, bool *table_found)
{
	*table_found = false;
	for (int i = 0; i < d->have.n; i++) {
		const char *rel = pg_value(&d->have, i, 0), *att = pg_value(&d->have, i, 1);
		if (!rel || strcmp(rel, table) != 0)
			continue;
		*table_found = true;
		if (att && strcmp(att, column) == 0)
			return pg_value(&d->have, i, 2);
	}
	return NULL;
}

static void
qualified(struct strbuf *b, const char *schema, const char *name)
{
	pg_ident(b, schema);
	sb_str(b, ".");
	pg_ident(b, name);
}

static int
exec_sb(struct ddl *d, struct strbuf *b)
{
	if (b->failed) {
		snprintf(d->why, d->whysize, "%s", _("out of memory"));
		return -1;
	}
	int rc = pg_exec(d->pg, b->p, 0, NULL, NULL, d->why, d->whysize);
	sb_free(b);
	return rc;
}

/* A kind's table: made when missing, each column the forms added since
 * added; a column of another type than the forms now give is refused
 * (the administrator of the warehouse decides what becomes of it). */
static int
table_ensure(struct ddl *d, const struct feed_table *t)
{
	bool found = false;
	have_column(d, t->name, "", &found);
	struct strbuf b = {0};
	if (!found) {
		sb_str(&b, "CREATE TABLE ");
		qualified(&b, d->schema, t->name);
		sb_str(&b, " (");
		for (size_t i = 0; i < t->ncols; i++) {
			sb_str(&b, i ? ", " : "");
			pg_ident(&b, t->cols[i].name);
			sb_addf(&b, " %s%s", sql_type(t->cols[i].type),
			        i < FC_COUNT ? fixed[i].constraint : "");
		}
		sb_str(&b, ", PRIMARY KEY (_site, _id))");
		return exec_sb(d, &b);
	}
	for (size_t i = 0; i < t->ncols; i++) {
		const struct feed_col *c = &t->cols[i];
		const char *type = have_column(d, t->name, c->name, &found);
		if (type && strcmp(type, sql_type(c->type)) != 0) {
			snprintf(d->why, d->whysize,
			         _("The warehouse's column %s.%s is of the type %s, but the forms now make "
			           "it %s: the warehouse's administrator renames or removes the column "
			           "(ALTER TABLE), and the next feed adds it anew."),
			         t->name, c->name, type, sql_type(c->type));
			return -1;
		}
		if (type)
			continue;
		sb_str(&b, "ALTER TABLE ");
		qualified(&b, d->schema, t->name);
		sb_str(&b, " ADD COLUMN ");
		pg_ident(&b, c->name);
		sb_addf(&b, " %s%s", sql_type(c->type), i < FC_COUNT ? fixed[i].constraint : "");
		if (exec_sb(d, &b) < 0)
			return -1;
	}
	return 0;
}

/* The marks, one row a site fed: the columns a later program added are
 * added to a warehouse an earlier one made (without their constraints:
 * the rows there have no value for them). */
static const struct {
	const char *name, *type, *constraint;
} mark_cols[] = {
	{"site", "text", " PRIMARY KEY"},
	{"last_change", "bigint", " NOT NULL"},   /* the last change fed */
	{"top_change", "bigint", " NOT NULL"},    /* the database's last when that feed began */
	{"login", "text", ""},                    /* who fed it */
	{"masked", "boolean", " NOT NULL"},
	{"reach", "text[]", ""},                  /* the units in the feeder's reach, NULL: all */
	{"fed_at", "timestamp with time zone", " NOT NULL"},
	{"program", "text", ""},
	{"trail_seq", "bigint", ""},              /* the audit entry the feed wrote */
	{"trail_hash", "text", ""},               /* and the SHA-256 of its bytes */
};

static int
marks_ensure(struct ddl *d)
{
	bool found;
	struct strbuf b = {0};
	have_column(d, "feed_mark", "", &found);
	if (!found) {
		sb_str(&b, "CREATE TABLE ");
		qualified(&b, d->schema, "feed_mark");
		for (size_t i = 0; i < NELEM(mark_cols); i++)
			sb_addf(&b, "%s%s %s%s", i ? ", " : " (", mark_cols[i].name, mark_cols[i].type,
			        mark_cols[i].constraint);
		sb_str(&b, ")");
		if (exec_sb(d, &b) < 0)
			return -1;
	} else {
		for (size_t i = 0; i < NELEM(mark_cols); i++) {
			if (have_column(d, "feed_mark", mark_cols[i].name, &found))
				continue;
			sb_str(&b, "ALTER TABLE ");
			qualified(&b, d->schema, "feed_mark");
			sb_addf(&b, " ADD COLUMN %s %s", mark_cols[i].name, mark_cols[i].type);
			if (exec_sb(d, &b) < 0)
				return -1;
		}
	}
	have_column(d, "feed_meta", "", &found);
	if (!found) {
		sb_str(&b, "CREATE TABLE ");
		qualified(&b, d->schema, "feed_meta");
		sb_str(&b, " (key text PRIMARY KEY, value text NOT NULL)");
		if (exec_sb(d, &b) < 0)
			return -1;
	}
	return 0;
}

/* The views and functions, made again when their SQL is not the one this
 * program writes (feed_meta 'views': its SHA-256) or one of them is
 * missing: a warehouse an earlier program made is brought up to date in
 * place (its views dropped and made anew in the feed's first
 * transaction, the tables untouched). */
static int
views_ensure(struct ddl *d)
{
	struct strbuf sql = {0}, b = {0};
	views_text(&sql, d->schema);
	if (sql.failed) {
		snprintf(d->why, d->whysize, "%s", _("out of memory"));
		return -1;
	}
	unsigned char h[SHA256_LEN];
	char hex[2 * SHA256_LEN + 1];
	sha256(sql.p, sql.len, h);
	for (size_t i = 0; i < SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	sb_str(&b, "SELECT (SELECT value FROM ");
	qualified(&b, d->schema, "feed_meta");
	sb_str(&b, " WHERE key = 'views')");
	for (size_t i = 0; i < NELEM(view_names); i++) {
		sb_str(&b, ", to_regclass($1 || '.' || ");
		sb_addf(&b, "'%s') IS NOT NULL", view_names[i]);
	}
	for (size_t i = 0; i < NELEM(function_names); i++)
		sb_addf(&b, ", to_regprocedure($1 || '.%s') IS NOT NULL", function_names[i]);
	struct pg_rows r;
	const char *q = d->schema;
	bool same = false;
	if (!b.failed && pg_query(d->pg, b.p, 1, &q, &r, d->why, d->whysize) == 0) {
		const char *v = pg_value(&r, 0, 0);
		same = v && strcmp(v, hex) == 0;
		for (int i = 1; i < r.ncols; i++) {
			const char *there = pg_value(&r, 0, i);
			same = same && there && strcmp(there, "t") == 0;
		}
		pg_rows_free(&r);
	} else {
		sb_free(&b);
		sb_free(&sql);
		return -1;
	}
	sb_free(&b);
	int rc = 0;
	if (!same) {
		sb_str(&b, "DROP FUNCTION IF EXISTS ");
		for (size_t i = 0; i < NELEM(function_names); i++) {
			sb_str(&b, i ? ", " : "");
			pg_ident(&b, d->schema);
			sb_addf(&b, ".%s", function_names[i]);
		}
		sb_str(&b, "; DROP VIEW IF EXISTS ");
		for (size_t i = 0; i < NELEM(view_names); i++) {
			sb_str(&b, i ? ", " : "");
			qualified(&b, d->schema, view_names[i]);
		}
		rc = exec_sb(d, &b);
		if (!rc)
			rc = pg_exec(d->pg, sql.p, 0, NULL, NULL, d->why, d->whysize);
		if (!rc) {
			sb_str(&b, "INSERT INTO ");
			qualified(&b, d->schema, "feed_meta");
			sb_str(&b, " (key, value) VALUES ('views', $1) "
			           "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
			const char *p = hex;
			rc = b.failed ? -1 : pg_exec(d->pg, b.p, 1, &p, NULL, d->why, d->whysize);
			sb_free(&b);
		}
	}
	sb_free(&sql);
	return rc;
}

static int
ensure_in_txn(struct ddl *d, const struct feed_table *t, size_t n)
{
	char lock[128];
	snprintf(lock, sizeof lock, "shegong feed schema %s", d->schema);
	const char *p[1] = {lock};
	if (pg_exec(d->pg, "SELECT pg_advisory_xact_lock(hashtext($1))", 1, p, NULL, d->why,
	            d->whysize) < 0)
		return -1;
	struct pg_rows r;
	p[0] = d->schema;
	if (pg_query(d->pg, "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1", 1, p, &r,
	             d->why, d->whysize) < 0)
		return -1;
	bool have_schema = r.n > 0;
	pg_rows_free(&r);
	if (!have_schema) {
		struct strbuf b = {0};
		sb_str(&b, "CREATE SCHEMA ");
		pg_ident(&b, d->schema);
		if (exec_sb(d, &b) < 0)
			return -1;
	}
	if (pg_query(d->pg,
	             "SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) "
	             "FROM pg_catalog.pg_attribute a "
	             "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
	             "JOIN pg_catalog.pg_namespace s ON s.oid = c.relnamespace "
	             "WHERE s.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 "
	             "AND NOT a.attisdropped",
	             1, p, &d->have, d->why, d->whysize) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (table_ensure(d, &t[i]) < 0)
			return -1;
	if (marks_ensure(d) < 0)
		return -1;
	return views_ensure(d);
}

int
feed_schema_ensure(struct pg *pg, const char *schema, const struct feed_table *t, size_t n,
                   char *why, size_t whysize)
{
	struct ddl d = {pg, schema, {0}, why, whysize};
	if (pg_exec(pg, "BEGIN", 0, NULL, NULL, why, whysize) < 0)
		return -1;
	int rc = ensure_in_txn(&d, t, n);
	pg_rows_free(&d.have);
	char ignored[64];
	if (rc < 0)
		pg_exec(pg, "ROLLBACK", 0, NULL, NULL, ignored, sizeof ignored);
	else
		rc = pg_exec(pg, "COMMIT", 0, NULL, NULL, why, whysize);
	return rc;
}
