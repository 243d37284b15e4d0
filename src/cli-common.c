/* cli-common.c: what the command line's verbs share (cli-internal.h):
 * printing in the terminal's encoding, usage and store errors, opening
 * the database with the worker's scope, the forms, today's date.  Kept
 * out of cli.c, which holds the table naming every verb, so that the
 * verbs' files depend on it one way: cli.c -> cli-VERB.c -> here. */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cli-internal.h"
#include "i18n.h"
#include "paths.h"
#include "text.h"
#include "valid.h"

/* Print UTF-8 text in the terminal's encoding (GB18030 terminals get
 * GB18030): the one place the command line meets the outside. */
void
say(FILE *f, const char *fmt, ...)
{
	char *s;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	const char *cs = nl_langinfo(CODESET);
	char *out = NULL;
	size_t outlen;
	if (cs && strcmp(cs, "UTF-8") != 0 && strcmp(cs, "ANSI_X3.4-1968") != 0 &&
	    text_conv(cs, "UTF-8", s, (size_t)n, &out, &outlen, NULL) == TEXT_CONV_OK) {
		fwrite(out, 1, outlen, f);
		free(out);
	} else {
		fputs(s, f);
	}
	free(s);
}

int
usage_error(const char *fmt, const char *arg)
{
	say(stderr, "shegong: ");
	say(stderr, fmt, arg);
	say(stderr, "\n%s\n", _("Try \"shegong --help\"."));
	return 2;
}

int
usage_errorf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = NULL;
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	say(stderr, "shegong: %s", msg ? msg : "");
	say(stderr, "\n%s\n", _("Try \"shegong --help\"."));
	free(msg);
	return 2;
}

int
store_error(struct cli *c, int err)
{
	const char *why = store_strerror(err);
	/* a township server's workers are not in the data group: the
	 * program is; a file it cannot open has the wrong owner or mode */
	if (err == STORE_PERM && paths_privileged())
		why = _("A file in the database folder has the wrong owner or rights (lock.mdb, "
		        "most often), so the program cannot open it. The files there must belong "
		        "to the data group and be readable and writable by it.");
	say(stderr, "shegong: %s\n  (%s: %s)\n", why, _("database"), c->dbdir);
	if (paths_privileged() && getuid() != 0)
		say(stderr, "%s\n", _("  Tell the administrator of this server what this says: the "
		                      "data is kept there, and only they can mend it."));
	return 1;
}

/* A date as options take it: YYYY-MM-DD, and a day that exists. */
bool
is_date(const char *v)
{
	int y, m, d;
	return strlen(v) == 10 && v[4] == '-' && valid_date(v, &y, &m, &d) == 0;
}

/* --- forms ----------------------------------------------------------------- */

/* Load the forms, or say where the first fault is as FILE:LINE: so that
 * an editor can jump there and the person who broke the file can fix it. */
struct formset *
load_forms(const char *dir)
{
	struct form_error err;
	struct formset *fs = formset_load_cached(dir, &err);
	if (fs)
		return fs;
	if (!err.file[0] && !err.msg[0])
		say(stderr, "shegong: %s: %s\n", dir, strerror(ENOMEM));
	else if (err.line > 0)
		say(stderr, "%s:%d: %s\n", err.file, err.line, err.msg);
	else
		say(stderr, "%s: %s\n", err.file, err.msg);
	return NULL;
}

/* What calculations (an age) are counted from: today, where the worker is. */
struct form_env
local_env(struct cli *c, char today[16])
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, 16, "%Y-%m-%d", &tm);
	return (struct form_env){c->login, NULL, today, !scope_may_see_sensitive(c->scope), 0, NULL};
}

/* Data never reaches the terminal raw: control characters (and, for one
 * line a record, tabs and newlines) become visible pictures. */
void
say_value(FILE *f, const char *v, unsigned flags)
{
	char *clean = text_sanitize(v ? v : "", v ? strlen(v) : 0, flags);
	if (clean)
		say(f, "%s", clean);
	free(clean);
}

int
open_db(struct cli *c, store **st)
{
	int err = store_open(st, c->dbdir, STORE_RDONLY);
	if (err)
		return store_error(c, err);
	scope_attach(*st, c->scope);
	return 0;
}

/* A handle that may write, logged like every other (audit_attach). */
int
open_db_write(struct cli *c, store **st)
{
	int err = store_open(st, c->dbdir, 0);
	if (err)
		return store_error(c, err);
	audit_attach(*st);
	store_set_user(*st, c->login);
	scope_attach(*st, c->scope);
	return 0;
}

int
cli_count_units(store_txn *t, void *ctx)
{
	return store_count(t, REC_UNIT, ctx);
}
