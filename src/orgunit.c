/* orgunit.c: org units and workers' accounts, stored as records. */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "i18n.h"
#include "index.h"
#include "orgunit.h"
#include "text.h"
#include "util.h"

static const struct {
	int level;
	size_t digits;
	const char *name;
	const char *label;
} levels[] = {
	{UNIT_CITY, 4, "city", N_("city")},
	{UNIT_COUNTY, 6, "county", N_("county")},
	{UNIT_TOWNSHIP, 9, "township", N_("township")},
	{UNIT_VILLAGE, 12, "village", N_("village")},
	{UNIT_STATION, 0, "station", N_("specialised station")},
};
#define NLEVELS (NELEM(levels))

const char *
orgunit_level_name(int level)
{
	for (size_t i = 0; i < NLEVELS; i++)
		if (levels[i].level == level)
			return levels[i].name;
	return "?";
}

const char *
orgunit_level_label(int level)
{
	for (size_t i = 0; i < NLEVELS; i++)
		if (levels[i].level == level)
			return _(levels[i].label);
	return "?";
}

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

int
orgunit_level_of_code(const char *code)
{
	size_t n = strlen(code);
	const char *dash = strchr(code, '-');
	if (dash) {
		/* a station: a city's, county's or township's code, a dash,
		 * two digits */
		size_t p = (size_t)(dash - code);
		return (p == 4 || p == 6 || p == 9) && n == p + 3 && all_digits(code, p) &&
		               all_digits(dash + 1, 2)
		           ? UNIT_STATION
		           : 0;
	}
	if (!all_digits(code, n))
		return 0;
	for (size_t i = 0; i < NLEVELS; i++)
		if (levels[i].digits && levels[i].digits == n)
			return levels[i].level;
	return 0;
}

int
orgunit_level_of(const record *r)
{
	if (!r || r->id.kind != REC_UNIT)
		return 0;
	const char *code = record_get(r, "code");
	return code ? orgunit_level_of_code(code) : 0;
}

const char *
orgunit_strerror(int err)
{
	switch (err) {
	case ORGUNIT_BADCODE:
		return _("A division code has 4 digits (city), 6 (county), 9 (township) or 12 (village); a "
		         "specialised station's is its city's, county's or township's code, a dash and "
		         "two digits (510421-01).");
	case ORGUNIT_NONAME:
		return _("The unit needs a name.");
	case ORGUNIT_NOPARENT:
		return _("The unit above this one is not registered yet: add the county "
		         "before its townships, and a township before its villages.");
	case ORGUNIT_DUPLICATE:
		return _("A unit with this code is registered already.");
	case ORGUNIT_BADNAME:
		return _("The name holds control characters (like Esc) or bytes that are not "
		         "characters: type it again as plain text.");
	case ORGUNIT_ROLELEVEL:
		return _("This role does not fit the unit: a village worker belongs to a village, "
		         "a township worker to a township, the county or a specialised station, a "
		         "supervisor to the city, the county or a township; an administrator to any "
		         "unit.");
	default:
		return store_strerror(err);
	}
}

struct first {
	rec_id id;
	bool found;
};

static int
take_first(const rec_id *id, const char *value, void *ctx)
{
	(void)value;
	struct first *f = ctx;
	f->id = *id;
	f->found = true;
	return 1;
}

/* The record whose idx value is exactly value. */
static int
by_exact(store_txn *t, int idx, int kind, const char *value, record **out)
{
	*out = NULL;
	struct first f = {0};
	/* a prefix search can also meet longer values: compare exactly */
	int rc = store_find(t, idx, kind, value, take_first, &f);
	if (rc < 0 || store_txn_error(t))
		return store_txn_error(t);
	if (!f.found)
		return STORE_NOTFOUND;
	int err = store_get(t, &f.id, out);
	if (err)
		return err;
	const char *field = idx == IDX_CODE ? "code" : "login";
	const char *v = record_get(*out, field);
	if (!v || strcmp(v, value) != 0) {
		record_free(*out);
		*out = NULL;
		return STORE_NOTFOUND;
	}
	return STORE_OK;
}

int
orgunit_by_code(store_txn *t, const char *code, record **out)
{
	return by_exact(t, IDX_CODE, REC_UNIT, code, out);
}

int
orgunit_above(store_txn *t, const record *u, char out[REC_ID_TEXTMAX])
{
	*out = '\0';
	const char *p = record_get(u, "parent");
	if (p && *p) {
		snprintf(out, REC_ID_TEXTMAX, "%s", p);
		return 0;
	}
	const char *code = record_get(u, "code");
	if (orgunit_level_of(u) != UNIT_COUNTY || !code)
		return 0;
	/* a county registered before its city: the city of its first four digits */
	char city[8];
	snprintf(city, sizeof city, "%.4s", code);
	record *c = NULL;
	int err = orgunit_by_code(t, city, &c);
	if (err == STORE_NOTFOUND)
		return 0;
	if (!err)
		rec_id_format(&c->id, out);
	record_free(c);
	return err;
}

int
orgunit_add(store_txn *t, const char *code, const char *name, rec_id *id)
{
	int level = orgunit_level_of_code(code);
	if (!level)
		return ORGUNIT_BADCODE;
	if (!name || !*name)
		return ORGUNIT_NONAME;
	if (text_check_typed(name, strlen(name), 0))
		return ORGUNIT_BADNAME;
	record *old;
	int err = orgunit_by_code(t, code, &old);
	if (err == STORE_OK) {
		record_free(old);
		return ORGUNIT_DUPLICATE;
	}
	if (err != STORE_NOTFOUND)
		return err;
	record *r = record_new(REC_UNIT);
	if (!r)
		return store_txn_fail(t, STORE_NOMEM);
	char idbuf[REC_ID_TEXTMAX];
	if (level != UNIT_CITY) {
		char pcode[16];
		size_t plen = strlen(code) - (level == UNIT_COUNTY ? 2 : 3);
		memcpy(pcode, code, plen);
		pcode[plen] = '\0';
		record *parent = NULL;
		err = orgunit_by_code(t, pcode, &parent);
		if (err && !(err == STORE_NOTFOUND && level == UNIT_COUNTY)) {
			/* a county need not have its city here */
			record_free(r);
			return err == STORE_NOTFOUND ? ORGUNIT_NOPARENT : err;
		}
		if (parent)
			record_set(r, "parent", rec_id_format(&parent->id, idbuf));
		record_free(parent);
	}
	if (record_set(r, "code", code) || record_set(r, "name", name) ||
	    record_set(r, "level", orgunit_level_name(level))) {
		record_free(r);
		return store_txn_fail(t, STORE_NOMEM);
	}
	err = store_put(t, r);
	if (!err && id)
		*id = r->id;
	record_free(r);
	return err;
}

int
orgunit_parse_line(char *line, char **code, char **name, const char **why)
{
	char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	char *end = p + strlen(p);
	while (end > p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!*p || *p == '#')
		return 1;
	*code = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (*p)
		*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	*name = p;
	if (!orgunit_level_of_code(*code)) {
		*why = orgunit_strerror(ORGUNIT_BADCODE);
		return -1;
	}
	if (!**name) {
		*why = orgunit_strerror(ORGUNIT_NONAME);
		return -1;
	}
	if (text_check_typed(*name, strlen(*name), 0)) {
		*why = orgunit_strerror(ORGUNIT_BADNAME);
		return -1;
	}
	return 0;
}

/* --- workers ------------------------------------------------------------ */

static const struct {
	int role;
	const char *name;
	const char *label;
} roles[] = {
	{ROLE_VILLAGE, "village", N_("village worker")},
	{ROLE_TOWNSHIP, "township", N_("township worker")},
	{ROLE_SUPERVISOR, "supervisor", N_("supervisor")},
	{ROLE_ADMIN, "admin", N_("administrator")},
};
#define NROLES (NELEM(roles))

const char *
worker_role_name(int role)
{
	for (size_t i = 0; i < NROLES; i++)
		if (roles[i].role == role)
			return roles[i].name;
	return "?";
}

const char *
worker_role_label(int role)
{
	for (size_t i = 0; i < NROLES; i++)
		if (roles[i].role == role)
			return _(roles[i].label);
	return "?";
}

int
worker_role_from_name(const char *name)
{
	for (size_t i = 0; i < NROLES; i++)
		if (strcmp(roles[i].name, name) == 0)
			return roles[i].role;
	return 0;
}

int
worker_by_login(store_txn *t, const char *login, record **out)
{
	return by_exact(t, IDX_LOGIN, REC_USER, login, out);
}

bool
worker_role_fits(int role, int level)
{
	switch (role) {
	case ROLE_VILLAGE:
		return level == UNIT_VILLAGE;
	case ROLE_TOWNSHIP:
		/* a station worker: the township's, or the county's (which
		 * receives what townships refer further up), or a specialised
		 * station's */
		return level == UNIT_TOWNSHIP || level == UNIT_COUNTY || level == UNIT_STATION;
	case ROLE_SUPERVISOR:
		return level == UNIT_CITY || level == UNIT_COUNTY || level == UNIT_TOWNSHIP;
	case ROLE_ADMIN:
		return level == UNIT_CITY || (level >= UNIT_COUNTY && level <= UNIT_VILLAGE);
	default:
		return false;
	}
}

bool
worker_encoding_valid(const char *v)
{
	return v && (strcmp(v, WORKER_ENC_UTF8) == 0 || strcmp(v, WORKER_ENC_GB18030) == 0);
}

bool
worker_lang_valid(const char *v)
{
	return v && (strcmp(v, WORKER_LANG_ZH) == 0 || strcmp(v, WORKER_LANG_EN) == 0);
}

bool
worker_terminal_printer(const record *w)
{
	const char *v = record_get(w, WORKER_TERMINAL_PRINTER);
	return v && strcmp(v, "yes") == 0;
}

bool
worker_disabled(const record *w)
{
	const char *s = record_get(w, "status");
	return s && strcmp(s, "disabled") == 0;
}

bool
worker_is_admin(const record *w)
{
	const char *role = record_get(w, "role");
	return role && worker_role_from_name(role) == ROLE_ADMIN && !worker_disabled(w);
}

int
worker_add(store_txn *t, const char *login, const char *fullname, int role,
           const char *unit_code, rec_id *id)
{
	return worker_add_prefs(t, login, fullname, role, unit_code, NULL, NULL, id);
}

int
worker_add_prefs(store_txn *t, const char *login, const char *fullname, int role,
                 const char *unit_code, const char *encoding, const char *lang, rec_id *id)
{
	record *unit, *old;
	if (fullname && text_check_typed(fullname, strlen(fullname), 0))
		return ORGUNIT_BADNAME;
	int err = orgunit_by_code(t, unit_code, &unit);
	if (err)
		return err == STORE_NOTFOUND ? ORGUNIT_NOPARENT : err;
	if (!worker_role_fits(role, orgunit_level_of_code(unit_code))) {
		record_free(unit);
		return ORGUNIT_ROLELEVEL;
	}
	err = worker_by_login(t, login, &old);
	if (err == STORE_OK) {
		record_free(old);
		record_free(unit);
		return STORE_EXISTS;
	}
	if (err != STORE_NOTFOUND) {
		record_free(unit);
		return err;
	}
	record *r = record_new(REC_USER);
	char idbuf[REC_ID_TEXTMAX];
	if (!r || record_set(r, "login", login) ||
	    record_set(r, "name", fullname && *fullname ? fullname : login) ||
	    record_set(r, "role", worker_role_name(role)) ||
	    record_set(r, "unit", rec_id_format(&unit->id, idbuf)) ||
	    record_set(r, "status", "active") ||
	    (encoding && *encoding && record_set(r, "encoding", encoding)) ||
	    (lang && *lang && record_set(r, "lang", lang))) {
		record_free(r);
		record_free(unit);
		return store_txn_fail(t, STORE_NOMEM);
	}
	record_free(unit);
	err = store_put(t, r);
	if (!err && id)
		*id = r->id;
	record_free(r);
	return err;
}
