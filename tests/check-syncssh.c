/* check-syncssh.c: `shegong sync` for real, two databases (four in test 12): a
 * township server as tools/township-setup.sh makes it (groups, a setgid
 * copy of the program, the database, worker login accounts, an sshd on
 * 127.0.0.1 with the script's Match/ForceCommand file), and a village PC:
 * a plain database folder that the village worker's own login account
 * drives with the plain program, exchanging over ssh with a key.  In
 * order (each test builds on the one before; they share the databases):
 *   1. an empty village PC joins: it takes the units and accounts;
 *   2. a referral made and submitted on the village PC reaches the
 *      township, is accepted there, and the state comes back;
 *   3. both sides change things in between (the village a service record
 *      and a resident's phone, the township resolves with feedback): one
 *      exchange carries both ways;
 *   4. the link cut mid-exchange, on the way up and on the way down: exit
 *      1 with a clear message, nothing lost, and the next run finishes the
 *      job: both databases then list what an uncut run leaves (the same
 *      starting databases, put back, exchanged once without a cut), nothing
 *      doubled;
 *   5. again with nothing changed: "nothing new", the records the same,
 *      also as cron runs it (no host: the last one, ssh's options in the
 *      worker's ~/.ssh/config); `shegong check` passes on both sides;
 *   6. both audit trails hold the exchanges ("sync", "sync-out");
 *   7. one referral changed on both sides (withdrawn by the village,
 *      accepted by the station): merged the same on both, the step that
 *      could not be taken in a notice on each side, settled by a worker;
 *   8. files the village worker forges (sealed with their PC's key) sent
 *      with ssh to sync --serve: each refused with what and why, check
 *      passes, the next real exchange is taken;
 *   9. a township server's figures to its county (sync --county);
 *  10. escalated referrals over ssh (sync --up on the township): up to
 *      the county and its answer back, logins without the right refused,
 *      cut going up and coming down, nothing doubled;
 *  11. the server made a city's: a county server's figures (its own and
 *      its township's) up with sync --up, cut and then whole, listed at
 *      the city; a township's own file refused there.
 *  12. (run after 8) four databases, each its own server over the same
 *      sshd: the village PC, the township, 米易县's and 攀枝花市's (their
 *      accounts' keys force the program on their own databases); a
 *      referral from the village escalated to the county and answered
 *      back down to the village, figures from the township to the county
 *      and on to the city, the link cut on every leg; the township and
 *      the village PC are then put back as they were for 9 to 11.
 * Root only (it makes groups and accounts): 77 otherwise, and when sshd
 * or the other tools are not installed. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "orgunit.h"
#include "record.h"
#include "sshd.h"
#include "store.h"
#include "sync.h"
#include "xfile.h"

#define USERADD "/usr/sbin/useradd"
#define USERDEL "/usr/sbin/userdel"
#define GROUPDEL "/usr/sbin/groupdel"
#define SETPRIV "/usr/bin/setpriv"
#ifndef SETUP_SCRIPT
#error "SETUP_SCRIPT: the path of tools/township-setup.sh"
#endif

#define COUNTY "510421"
#define TOWNSHIP "510421100"
#define VILLAGE "510421100001"

/* login 0: the village room's worker of 安宁村 (on the village PC and, by
 * ssh, on the township server); login 1: the township station's worker;
 * login 2: the county station's worker (test 10, the server as a city's) */
enum { VW, TW, CW, NLOGINS };
static const struct {
	const char *suffix, *role, *unit, *name;
} logins[NLOGINS] = {
	{"v", "village", VILLAGE, "张工"},
	{"t", "township", TOWNSHIP, "杨站"},
	{"c", "township", COUNTY, "县站"},
};

/* Made once by the unchecked fixture in Check's parent process and
 * inherited by every forked test (sshd.h: only the parent can be trusted
 * to stop sshd and remove the accounts, groups and folder); sshd.dir
 * holds everything of the test, sshd.key the client key (root's copy). */
static struct {
	struct sshd_township tw;  /* the township's setgid program, data, database (tw.db) */
	char plain[PATH_MAX + 32]; /* the village PC's program (not setgid) */
	char vpc[PATH_MAX + 32];   /* the village PC's database folder */
	char vkey[PATH_MAX + 64];  /* the village worker's copy of the client key */
	char cut[PATH_MAX + 32];   /* the --ssh wrapper that cuts the link */
	char group[32], wgroup[32];
	char login[NLOGINS][32];
	/* test 12: the county's and the city's own servers, each a plain
	 * database of its own account, reached over the same sshd: the
	 * account's key line forces the program on that database */
	char site_login[2][32];    /* 0: 米易县's server, 1: 攀枝花市's */
	char site_db[2][PATH_MAX + 32];
} srv;

/* The program's environment: the forms and catalogues root controls, a
 * UTF-8 locale. */
static char **
program_env(void)
{
	static char forms[PATH_MAX + 64], locale[PATH_MAX + 64];
	static char *env[8];
	snprintf(forms, sizeof forms, "SHEGONG_FORMSDIR=%s", srv.tw.forms);
	snprintf(locale, sizeof locale, "SHEGONG_LOCALEDIR=%s", srv.tw.locale);
	env[0] = forms;
	env[1] = locale;
	env[2] = "LC_ALL=C.UTF-8";
	env[3] = "LANGUAGE=";
	env[4] = NULL;
	return env;
}

static int
script(char *const args[])
{
	return sshd_script(SETUP_SCRIPT, program_env(), args);
}

/* The --ssh wrapper that cuts the link: "cut-ssh up|down N SSH ARGS..."
 * runs ssh with only N bytes of the exchange file going up, then ends as
 * ssh does when the link drops (255); or with only N bytes of the answer
 * coming down, and then the client is killed (SIGKILL). */
static const char cut_script[] =
	"#!/bin/sh\n"
	"# cut-ssh up|down N SSH ARGS...: the link drops after N bytes\n"
	"mode=$1 n=$2\n"
	"shift 2\n"
	"if [ \"$mode\" = up ]; then\n"
	"\thead -c \"$n\" | \"$@\"\n"
	"\techo 'ssh: connection to 127.0.0.1: Broken pipe (cut by the test)' >&2\n"
	"\texit 255\n"
	"fi\n"
	"\"$@\" | head -c \"$n\"\n"
	"echo 'ssh: killed by the test' >&2\n"
	"kill -KILL $$\n";

/* Test 12's county and city servers: an account of each (outside the
 * township's worker group, so the township's ForceCommand is not theirs),
 * its database folder, the client's key in its home and in the keys
 * folder with command= forcing the plain program on its own database, as
 * a county's sshd would run it. */
static bool
site_servers(void)
{
	for (int i = 0; i < 2; i++) {
		const char *login = srv.site_login[i];
		/* "*": no password that works, but not locked ("!"), which sshd
		 * without PAM refuses even with a key (as township-setup.sh) */
		char *add[] = {USERADD, "--create-home", "--shell", "/bin/sh", "--password", "*",
			       (char *)login, NULL};
		int rc = sshd_run(NULL, NULL, add, NULL);
		sshd_own_login(login);
		struct passwd *pw = getpwnam(login);
		if (rc != 0 || pw == NULL) {
			sshd_error("useradd %s failed with status %d", login, rc);
			return false;
		}
		char folder[PATH_MAX + 16], key[PATH_MAX + 64], keys[PATH_MAX + 64], *line;
		snprintf(folder, sizeof folder, "%s/site%d", sshd.dir, i);
		snprintf(srv.site_db[i], sizeof srv.site_db[i], "%s/db", folder);
		snprintf(key, sizeof key, "%s/sync_key", pw->pw_dir);
		snprintf(keys, sizeof keys, "%s/%s", srv.tw.keys, login);
		char *cpk[] = {"/bin/cp", sshd.key, key, NULL};
		FILE *f = fopen(sshd.pub, "r");
		char pub[1024] = "";
		if (f) {
			if (!fgets(pub, sizeof pub, f))
				pub[0] = '\0';
			fclose(f);
		}
		if (mkdir(folder, 0700) != 0 || chown(folder, pw->pw_uid, pw->pw_gid) != 0 ||
		    sshd_run(NULL, NULL, cpk, NULL) != 0 || chown(key, pw->pw_uid, pw->pw_gid) != 0 ||
		    chmod(key, 0600) != 0 || !*pub ||
		    asprintf(&line, "command=\"exec %s --db %s\",no-pty,no-port-forwarding %s",
			     srv.plain, srv.site_db[i], pub) < 0) {
			sshd_error("cannot make the folder %s or the key of %s", folder, login);
			return false;
		}
		bool ok = sshd_write_file(keys, line, 0644);
		free(line);
		if (!ok) {
			sshd_error("cannot write %s", keys);
			return false;
		}
	}
	return true;
}

static void
server_setup(void)
{
	memset(&srv, 0, sizeof srv);
	sshd.keep_env = "SYNCSSH_KEEP";
	umask(022);
	long pid = (long)getpid();
	snprintf(srv.group, sizeof srv.group, "sgs%ldg", pid);
	snprintf(srv.wgroup, sizeof srv.wgroup, "sgs%ldw", pid);
	for (int i = 0; i < NLOGINS; i++)
		snprintf(srv.login[i], sizeof srv.login[i], "sgs%ld%s", pid, logins[i].suffix);
	const char *const groups[] = {srv.group, srv.wgroup, NULL};
	snprintf(srv.site_login[0], sizeof srv.site_login[0], "sgs%ldk", pid);
	snprintf(srv.site_login[1], sizeof srv.site_login[1], "sgs%ldy", pid);
	const char *const names[] = {srv.login[VW], srv.login[TW], srv.login[CW],
				     srv.site_login[0], srv.site_login[1], NULL};
	if (!sshd_names_free(groups, names))
		return;
	if (!sshd_township_init(&srv.tw, "shegong-syncssh", srv.group, srv.wgroup, script))
		return;

	/* the village PC's program (the township's copy is made setgid by the
	 * script), and the --ssh wrapper that cuts the link */
	snprintf(srv.plain, sizeof srv.plain, "%s/pc/shegong", sshd.dir);
	snprintf(srv.vpc, sizeof srv.vpc, "%s/pc/db", sshd.dir);
	snprintf(srv.cut, sizeof srv.cut, "%s/pc/cut-ssh", sshd.dir);
	const char *built = getenv("SHEGONG_BIN");
	if (built == NULL || *built == '\0')
		built = "../src/shegong";
	char pcdir[PATH_MAX + 8];
	snprintf(pcdir, sizeof pcdir, "%s/pc", sshd.dir);
	char *cp2[] = {"/bin/cp", (char *)built, srv.plain, NULL};
	if (mkdir(pcdir, 0755) != 0 || sshd_run(NULL, NULL, cp2, NULL) != 0 ||
	    chmod(srv.plain, 0755) != 0 || !sshd_write_file(srv.cut, cut_script, 0755)) {
		sshd_error("cannot copy the program into %s", pcdir);
		return;
	}

	/* the two workers, with the client's key (English messages, so that
	 * the test reads them) */
	for (int i = 0; i < NLOGINS; i++) {
		char *add[] = {"add-worker", srv.login[i], "--role", (char *)logins[i].role,
			       "--unit", (char *)logins[i].unit, "--name", (char *)logins[i].name,
			       "--encoding", "utf-8", "--lang", "en", "--key", sshd.pub,
			       "--data", srv.tw.data, NULL};
		int rc = script(add);
		sshd_own_login(srv.login[i]);
		if (rc != 0) {
			sshd_error("township-setup.sh add-worker %s failed with status %d (see the "
				   "log)", srv.login[i], rc);
			return;
		}
	}

	/* the village PC: the worker's own folder, and the key in their home */
	struct passwd *pw = getpwnam(srv.login[VW]);
	if (pw == NULL) {
		sshd_error("no account %s", srv.login[VW]);
		return;
	}
	uid_t vuid = pw->pw_uid;
	gid_t vgid = pw->pw_gid;
	snprintf(srv.vkey, sizeof srv.vkey, "%s/sync_key", pw->pw_dir);
	char *cpk[] = {"/bin/cp", sshd.key, srv.vkey, NULL};
	if (mkdir(srv.vpc, 0700) != 0 || chown(srv.vpc, vuid, vgid) != 0 ||
	    sshd_run(NULL, NULL, cpk, NULL) != 0 || chown(srv.vkey, vuid, vgid) != 0 ||
	    chmod(srv.vkey, 0600) != 0) {
		sshd_error("cannot make the village PC's folder %s or key %s", srv.vpc, srv.vkey);
		return;
	}

	if (!site_servers())
		return;
	sshd_start_township(&srv.tw, 24022);
}

static void
need_server(void)
{
	sshd_need();
}

/* --- the two sides ------------------------------------------------------ */

#define MAXARGS 32

/* A sanitizer build's report in a program's output fails the test (the
 * undefined behaviour sanitizer goes on after its report). */
static int
clean(int rc, const char *out, char *const argv[])
{
	ck_assert_msg(out == NULL ||
			      (strstr(out, "Sanitizer") == NULL && strstr(out, "runtime error:") == NULL),
		      "a sanitizer reported on %s %s %s: %s", argv[3], argv[4] ? argv[4] : "",
		      argv[4] && argv[5] ? argv[5] : "", out);
	return rc;
}

/* The program on the village PC's database, as the village worker's own
 * login account (NULL-ended arguments). */
static int
vpc_v(char **out, va_list ap)
{
	char *argv[MAXARGS] = {srv.plain, "--db", srv.vpc};
	size_t n = 3;
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && n < MAXARGS - 1)
		argv[n++] = (char *)a;
	argv[n] = NULL;
	int rc = sshd_run(srv.login[VW], program_env(), argv, out);
	return clean(rc, *out, argv);
}

static int
vpc(char **out, ...)
{
	va_list ap;
	va_start(ap, out);
	int rc = vpc_v(out, ap);
	va_end(ap);
	return rc;
}

/* The program on the township's database (the setgid copy), as login, or
 * as root (its administrator) when login is NULL. */
static int
twp(const char *login, char **out, ...)
{
	char *argv[MAXARGS] = {srv.tw.bin, "--db", srv.tw.db};
	size_t n = 3;
	va_list ap;
	va_start(ap, out);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && n < MAXARGS - 1)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	int rc = sshd_run(login, program_env(), argv, out);
	return clean(rc, *out, argv);
}

/* The village PC's program as root, who is the township's administrator
 * and so, once the accounts came down, the village PC's too (reading
 * only: the audit trail, check). */
static int
vpc_admin(char **out, ...)
{
	char *argv[MAXARGS] = {srv.plain, "--db", srv.vpc};
	size_t n = 3;
	va_list ap;
	va_start(ap, out);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && n < MAXARGS - 1)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	int rc = sshd_run(NULL, program_env(), argv, out);
	return clean(rc, *out, argv);
}

/* `shegong sync USER@127.0.0.1` on the village PC, through cut (NULL: no
 * cut; else "up N" or "down N"). */
static int
sync_run(const char *cut, char **out)
{
	char ssh[PATH_MAX * 3], host[64];
	snprintf(ssh, sizeof ssh,
		 "%s%s%s%s -F /dev/null -p %d -i %s -o IdentitiesOnly=yes -o BatchMode=yes "
		 "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
		 "-o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10",
		 cut ? srv.cut : "", cut ? " " : "", cut ? cut : "", cut ? " " SSH : SSH,
		 sshd.port, srv.vkey);
	snprintf(host, sizeof host, "%s@127.0.0.1", srv.login[VW]);
	int rc = vpc(out, "sync", host, "--ssh", ssh, NULL);
	/* in the log, which a failing test shows */
	FILE *f = fopen(sshd.log, "a");
	if (f != NULL) {
		fprintf(f, "+ shegong sync%s%s: status %d\n%s", cut ? " cut " : "", cut ? cut : "",
			rc, *out);
		fclose(f);
	}
	return rc;
}

/* A successful exchange; its output (malloc'd). */
static char *
sync_ok(const char *what)
{
	char *out;
	int rc = sync_run(NULL, &out);
	if (rc != 0)
		sshd_show_log();
	ck_assert_msg(rc == 0, "%s: shegong sync on the village PC ended with %d: %s", what, rc,
		      out);
	return out;
}

static size_t
lines(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A valid 18-digit ID number of someone of 米易县 born on date (YYYYMMDD). */
static void
idnum(char out[19], const char *date, int seq)
{
	static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	snprintf(out, 19, COUNTY "%.8s%03d", date, seq);
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (out[i] - '0') * w[i];
	out[17] = "10X98765432"[sum % 11];
	out[18] = '\0';
}

/* A CSV file the village worker can read; its path (static). */
static const char *
csv(const char *name, const char *text)
{
	static char path[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/pc/%s", sshd.dir, name);
	ck_assert_msg(sshd_write_file(path, text, 0644), "cannot write %s", path);
	return path;
}

/* A resident registered on the village PC by the village worker; its id. */
static char *
register_resident(const char *name, const char *birth, int seq)
{
	char id[19], *text, *out;
	idnum(id, birth, seq);
	ck_assert_int_ge(asprintf(&text, "name,idnum,village\n%s,%s,安宁村\n", name, id), 0);
	int rc = vpc(&out, "import", "resident", csv("res.csv", text), NULL);
	free(text);
	ck_assert_msg(rc == 0, "importing %s on the village PC: status %d: %s", name, rc, out);
	free(out);
	rc = vpc(&out, "find", "resident", name, NULL);
	ck_assert_msg(rc == 0 && strstr(out, name) != NULL,
		      "%s is not found on the village PC after the import: %s", name, out);
	*strchr(out, '\t') = '\0';
	return out;
}

/* A referral made and submitted on the village PC; its id. */
static char *
refer(const char *resident, const char *reason)
{
	char *out;
	int rc = vpc(&out, "referral", "new", "--resident", resident, "--category", "elderly",
		     "--urgency", "soon", "--reason", reason, "--consent", "yes", "--submit", NULL);
	ck_assert_msg(rc == 0 && strncmp(out, "ref-", 4) == 0,
		      "referral new --submit on the village PC: status %d: %s", rc, out);
	*strchr(out, '\n') = '\0';
	return out;
}

/* "Status: X" of a referral shown on one side (vpc or as the township
 * worker), and the whole text in *text when not NULL. */
static char *
ref_status(bool village, const char *ref, char **text)
{
	char *out;
	int rc = village ? vpc(&out, "referral", "show", ref, NULL)
	                 : twp(srv.login[TW], &out, "referral", "show", ref, NULL);
	ck_assert_msg(rc == 0, "referral show %s on the %s: status %d: %s", ref,
		      village ? "village PC" : "township", rc, out);
	char *s = strstr(out, "\nStatus: ");
	ck_assert_msg(s != NULL, "no Status in referral show %s: %s", ref, out);
	s += 9;
	char *e = strchr(s, '\n');
	char *status = strndup(s, e ? (size_t)(e - s) : strlen(s));
	if (text)
		*text = out;
	else
		free(out);
	return status;
}

/* What both sides hold of the village's work, as their workers list it:
 * the residents, service records and referrals (ids and list columns). */
struct view {
	char *res, *svc, *ref;
	char *counts;   /* "KIND N" a line, and the records in the database */
	char *shows;    /* every referral, shown whole with its history */
};

/* mdb_stat as PATH finds it: an LMDB file is of its word size, so the
 * i386 build's test run puts the i386 tools first (.ci/run). */
static const char *
mdb_stat_path(void)
{
	static char found[PATH_MAX];
	const char *path = getenv("PATH");
	if (!path || !*path)
		path = "/usr/bin:/bin";
	char *copy = strdup(path), *save = NULL;
	ck_assert_ptr_nonnull(copy);
	found[0] = '\0';
	for (char *d = strtok_r(copy, ":", &save); d && !found[0]; d = strtok_r(NULL, ":", &save)) {
		snprintf(found, sizeof found, "%s/mdb_stat", *d ? d : ".");
		if (access(found, X_OK) != 0)
			found[0] = '\0';
	}
	free(copy);
	return found[0] ? found : NULL;
}

/* How many records the database folder db holds in all (LMDB's own count
 * of the rec table, by mdb_stat from lmdb-utils), or -1 without mdb_stat. */
static long
rec_total(const char *db)
{
	const char *mdb_stat = mdb_stat_path();
	if (!mdb_stat)
		return -1;
	char *argv[] = {(char *)mdb_stat, "-s", "rec", (char *)db, NULL};
	char *out;
	int rc = sshd_run(NULL, NULL, argv, &out);
	char *e = strstr(out, "Entries: ");
	ck_assert_msg(rc == 0 && e != NULL, "mdb_stat -s rec %s: status %d: %s", db, rc, out);
	long n = strtol(e + 9, NULL, 10);
	free(out);
	return n;
}

static void
view_of(bool village, struct view *v)
{
	char *out;
	int rc;
	const char *who = village ? "village PC" : "township";
#define LIST(field, ...)                                                                    \
	rc = village ? vpc(&out, __VA_ARGS__, NULL) : twp(srv.login[TW], &out, __VA_ARGS__, NULL); \
	ck_assert_msg(rc == 0, "listing on the %s: status %d: %s", who, rc, out);            \
	v->field = out;
	LIST(res, "find", "resident", "--village", VILLAGE, "--limit", "1000");
	LIST(svc, "find", "service", "--village", VILLAGE, "--limit", "1000");
	LIST(ref, "referral", "list", "--all");
	/* every kind the worker reads, counted */
	static const char *const kinds[] = {"resident", "need",     "service", "volunteer", "org",
					    "resource", "project",  "unit",    "worker"};
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(m);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		LIST(counts, "find", kinds[i], "--limit", "100000");
		fprintf(m, "%s %zu\n", kinds[i], lines(out));
		free(out);
	}
	fprintf(m, "referral %zu\nrecords in the database %ld\n", lines(v->ref),
		rec_total(village ? srv.vpc : srv.tw.db));
	fclose(m);
	v->counts = buf;

	/* each referral whole, as the side's administrator (root) sees it,
	 * so that both sides show the same steps open */
	m = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(m);
	for (const char *l = v->ref; *l; l = strchr(l, '\n') + 1) {
		char id[64];
		snprintf(id, sizeof id, "%.*s", (int)strcspn(l, "\t\n"), l);
		rc = village ? vpc_admin(&out, "referral", "show", id, NULL)
			     : twp(NULL, &out, "referral", "show", id, NULL);
		ck_assert_msg(rc == 0, "referral show %s on the %s: status %d: %s", id, who, rc, out);
		/* no step twice in its history */
		char *h = strstr(out, "\nHistory:\n");
		ck_assert_msg(h != NULL, "no history in referral show %s on the %s: %s", id, who, out);
		for (char *a = h + 10; *a; a = strchr(a, '\n') + 1) {
			size_t n = strcspn(a, "\n");
			for (char *b = a + n + (a[n] != '\0'); *b; b = strchr(b, '\n') + 1) {
				size_t k = strcspn(b, "\n");
				ck_assert_msg(k != n || strncmp(a, b, n) != 0,
					      "a step twice in the history of %s on the %s: %s", id,
					      who, out);
				if (b[k] == '\0')
					break;
			}
			if (a[n] == '\0')
				break;
		}
		fputs(out, m);
		free(out);
		if (strchr(l, '\n') == NULL)
			break;
	}
	fclose(m);
	v->shows = buf;
#undef LIST
}

static void
view_free(struct view *v)
{
	free(v->res);
	free(v->svc);
	free(v->ref);
	free(v->counts);
	free(v->shows);
}

/* Copies of both databases' files, and putting them back: only while no
 * program has either open. */
static void
copy_db(const char *from, const char *to)
{
	char *cp[] = {"/bin/cp", "-p", (char *)from, (char *)to, NULL};
	ck_assert_msg(sshd_run(NULL, NULL, cp, NULL) == 0, "cp %s %s", from, to);
}

static void
snapshot(bool back)
{
	const char *dbs[2] = {srv.vpc, srv.tw.db};
	for (int i = 0; i < 2; i++) {
		char live[PATH_MAX + 128], kept[PATH_MAX + 128];
		snprintf(live, sizeof live, "%s/data.mdb", dbs[i]);
		snprintf(kept, sizeof kept, "%s/snapshot-%d.mdb", sshd.dir, i);
		if (back)
			copy_db(kept, live);
		else
			copy_db(live, kept);
	}
}

/* --- the tests ------------------------------------------------------------ */

/* 1. The township made (units, an administrator, a village worker whose
 * login is the account that will ssh in, a township worker); the empty
 * village PC joins and takes the units and accounts. */
START_TEST(test_1_join)
{
	need_server();
	char *out;
	ck_assert_int_eq(twp(NULL, &out, "user", "list", NULL), 0);
	for (int i = 0; i < NLOGINS; i++)
		ck_assert_msg(strstr(out, srv.login[i]) != NULL,
			      "the township lacks the worker %s: %s", srv.login[i], out);
	free(out);

	char data[PATH_MAX + 128];
	snprintf(data, sizeof data, "%s/data.mdb", srv.vpc);
	ck_assert_msg(access(data, F_OK) != 0, "the village PC's folder is not empty");

	out = sync_ok("the first exchange of an empty village PC");
	/* what came down is named after the township it came from */
	ck_assert_msg(strstr(out, "Received from 攀莲镇 (" TOWNSHIP "): ") != NULL,
		      "the first exchange does not say it received from the township 攀莲镇: %s",
		      out);
	free(out);
	struct stat st;
	struct passwd *pw = getpwnam(srv.login[VW]);
	ck_assert_msg(stat(data, &st) == 0 && st.st_uid == pw->pw_uid,
		      "the village PC's database was not made by the village worker's account");

	ck_assert_int_eq(vpc(&out, "unit", "list", NULL), 0);
	ck_assert_msg(strstr(out, VILLAGE) && strstr(out, "安宁村") && strstr(out, TOWNSHIP) &&
			      strstr(out, "攀莲镇") && strstr(out, "新华村"),
		      "the village PC did not take the township's units: %s", out);
	free(out);
	ck_assert_int_eq(vpc(&out, "user", "list", NULL), 0);
	ck_assert_msg(strstr(out, srv.login[VW]) && strstr(out, srv.login[TW]),
		      "the village PC did not take the accounts: %s", out);
	free(out);
	ck_assert_int_eq(vpc(&out, "sync", "--status", NULL), 0);
	ck_assert_msg(strstr(out, "A village PC") != NULL && strstr(out, "  攀莲镇 (") != NULL,
		      "the village PC does not know its township 攀莲镇 after joining: %s", out);
	free(out);
}
END_TEST

/* 2. A resident and a referral made on the village PC reach the township
 * on the next exchange; the station accepts it there; the next exchange
 * brings the accepted state back. */
START_TEST(test_2_referral_up)
{
	need_server();
	char *res = register_resident("王𠈌明", "19400105", 11);
	char *ref = refer(res, "独居，需要上门照护");
	char *st = ref_status(true, ref, NULL);
	ck_assert_str_eq(st, "Submitted");
	free(st);

	char *out = sync_ok("the exchange after the referral");
	ck_assert_msg(strstr(out, "Sent ") && strstr(out, "1 referrals"),
		      "the exchange does not say one referral went up: %s", out);
	free(out);

	/* at the township: the station's inbox has it, from 安宁村, with its
	 * resident */
	ck_assert_int_eq(twp(srv.login[TW], &out, "referral", "list", NULL), 0);
	ck_assert_msg(strstr(out, ref) != NULL && strstr(out, "submitted") != NULL,
		      "the referral %s is not in the township station's inbox: %s", ref, out);
	ck_assert_msg(lines(out) == 1, "the inbox has %zu lines, not 1: %s", lines(out), out);
	free(out);
	ck_assert_int_eq(twp(srv.login[TW], &out, "show", res, NULL), 0);
	ck_assert_msg(strstr(out, "王𠈌明") != NULL, "the resident did not reach the township: %s",
		      out);
	free(out);

	ck_assert_msg(twp(srv.login[TW], &out, "referral", "accept", ref, NULL) == 0,
		      "the station could not accept %s: %s", ref, out);
	free(out);
	out = sync_ok("the exchange after the station accepted");
	free(out);
	st = ref_status(true, ref, NULL);
	ck_assert_msg(strcmp(st, "Accepted") == 0,
		      "after the exchange the village PC shows %s as %s, not Accepted", ref, st);
	free(st);
	free(res);
	free(ref);
}
END_TEST

/* The village's referral and resident, found again in a forked test. */
static char *
first_referral(void)
{
	char *out;
	ck_assert_int_eq(vpc(&out, "referral", "list", "--all", NULL), 0);
	ck_assert_msg(lines(out) >= 1, "no referral on the village PC: %s", out);
	*strchr(out, '\t') = '\0';
	return out;
}

/* 3. Both sides change things between two exchanges: the village records
 * a service and a resident's new phone number, the station starts and
 * resolves the referral with feedback; one exchange carries both ways. */
START_TEST(test_3_both_ways)
{
	need_server();
	char *ref = first_referral();
	char *out;
	char id[19];
	idnum(id, "19400105", 11);
	char *text;
	ck_assert_int_ge(asprintf(&text, "idnum,phone\n%s,13800138011\n", id), 0);
	int rc = vpc(&out, "import", "resident", csv("upd.csv", text), "--update", NULL);
	free(text);
	ck_assert_msg(rc == 0, "the village PC could not change the phone: %s", out);
	free(out);
	rc = vpc(&out, "import", "service",
		 csv("svc.csv", "date,village,work_kind,content\n2026-11-20,安宁村,visit,上门探访王𠈌明\n"),
		 "--form", "service_care", NULL);
	ck_assert_msg(rc == 0, "the village PC could not record a service: %s", out);
	free(out);

	ck_assert_msg(twp(srv.login[TW], &out, "referral", "start", ref, NULL) == 0,
		      "the station could not start %s: %s", ref, out);
	free(out);
	ck_assert_msg(twp(srv.login[TW], &out, "referral", "resolve", ref, "--outcome", "success",
			  "--feedback", "已安排每周上门两次", NULL) == 0,
		      "the station could not resolve %s: %s", ref, out);
	free(out);

	out = sync_ok("the exchange after both sides worked");
	ck_assert_msg(strstr(out, "1 service records") != NULL,
		      "the exchange does not say a service record went up: %s", out);
	free(out);

	/* up: the service record and the phone */
	ck_assert_int_eq(twp(srv.login[TW], &out, "find", "service", NULL), 0);
	ck_assert_msg(lines(out) == 1 && strstr(out, "上门探访") != NULL,
		      "the township does not have the village's one service record: %s", out);
	free(out);
	ck_assert_int_eq(twp(srv.login[TW], &out, "find", "resident", "王𠈌明", NULL), 0);
	*strchr(out, '\t') = '\0';
	char *res = out;
	ck_assert_int_eq(twp(srv.login[TW], &out, "show", res, NULL), 0);
	ck_assert_msg(strstr(out, "13800138011") != NULL,
		      "the resident's new phone did not reach the township: %s", out);
	free(out);
	free(res);

	/* down: resolved, with the station's feedback */
	char *st = ref_status(true, ref, &text);
	ck_assert_msg(strcmp(st, "Resolved") == 0,
		      "after the exchange the village PC shows %s as %s, not Resolved", ref, st);
	ck_assert_msg(strstr(text, "已安排每周上门两次") != NULL,
		      "the station's feedback did not reach the village PC: %s", text);
	ck_assert_msg(strstr(text, "Steps open to you: close") != NULL,
		      "the village may not close the resolved referral: %s", text);
	free(text);
	free(st);
	free(ref);
}
END_TEST

/* One listing of a side against another: got (after label) and want
 * (after wlabel) must be the same text. */
static void
assert_same_as(const char *what, const char *side, const char *got, const char *label,
	       const char *want, const char *wlabel)
{
	ck_assert_msg(strcmp(got, want) == 0, "%s on the %s: %s and %s differ:\n--- %s:\n%s--- %s:\n%s",
		      what, side, label, wlabel, label, got, wlabel, want);
}

/* Everything a side lists, against what it listed at another moment. */
static void
assert_same_view(const char *side, const struct view *got, const char *label,
		 const struct view *want, const char *wlabel)
{
	assert_same_as("the residents", side, got->res, label, want->res, wlabel);
	assert_same_as("the service records", side, got->svc, label, want->svc, wlabel);
	assert_same_as("the referrals", side, got->ref, label, want->ref, wlabel);
	assert_same_as("the counts of records", side, got->counts, label, want->counts, wlabel);
	assert_same_as("the referrals shown whole", side, got->shows, label, want->shows, wlabel);
}

/* The cut itself: a failed exchange, exit 1, a message saying the link
 * dropped and that nothing was lost. */
static void
cut_run(const char *how)
{
	char *out;
	int rc = sync_run(how, &out);
	ck_assert_msg(rc == 1, "an exchange whose link was cut (%s) ended with %d, not 1: %s", how,
		      rc, out);
	ck_assert_msg(strstr(out, "link") != NULL && strstr(out, "Nothing was lost") != NULL,
		      "the cut exchange (%s) does not say the link dropped and nothing was lost: %s",
		      how, out);
	free(out);
}

/* 4. The link cut mid-exchange: with 100 bytes of the village's file gone
 * up (the township takes nothing from half a file), and with 100 bytes of
 * the township's answer come down and the ssh client killed (the township
 * took the village's file, the village PC nothing of the answer).  The next run finishes the job:
 * both sides then list what one uncut exchange from the same databases
 * leaves, and nothing is doubled. */
START_TEST(test_4_cut)
{
	need_server();
	char *ref = first_referral();
	char *out;
	/* work on both sides: the village closes the resolved referral and
	 * refers someone new, which goes up; the station accepts that one;
	 * then the village refers a third person, so that the exchange cut
	 * below carries something each way */
	ck_assert_msg(vpc(&out, "referral", "close", ref, "--note", "回访满意", NULL) == 0,
		      "the village PC could not close %s: %s", ref, out);
	free(out);
	char *res2 = register_resident("李𡃁花", "19520707", 22);
	char *ref2 = refer(res2, "残疾，需要辅具");
	out = sync_ok("the exchange before the cut");
	free(out);
	ck_assert_msg(twp(srv.login[TW], &out, "referral", "accept", ref2, NULL) == 0,
		      "the station could not accept %s: %s", ref2, out);
	free(out);
	char *res3 = register_resident("赵𠈌强", "19600303", 33);
	char *ref3 = refer(res3, "低保复核");

	struct view before_v, before_t;
	view_of(true, &before_v);
	view_of(false, &before_t);
	snapshot(false);

	/* cut on the way up: the township takes nothing */
	cut_run("up 100");
	struct view v, t;
	view_of(false, &t);
	assert_same_view("township", &t, "after the file going up was cut", &before_t, "before");
	view_free(&t);

	/* cut on the way down: the township took the file, the village PC
	 * nothing of the answer, and lost nothing of its own */
	cut_run("down 100");
	ck_assert_int_eq(twp(srv.login[TW], &out, "find", "resident", "赵𠈌强", NULL), 0);
	ck_assert_msg(strstr(out, res3) != NULL,
		      "the township did not take the village's file before the answer was cut: %s",
		      out);
	free(out);
	view_of(true, &v);
	assert_same_view("village PC", &v, "after the answer was cut", &before_v, "before");
	view_free(&v);
	char *st = ref_status(true, ref2, NULL);
	ck_assert_msg(strcmp(st, "Submitted") == 0,
		      "the village PC shows %s as %s after a cut answer, not Submitted", ref2, st);
	free(st);

	/* the next run finishes the job */
	out = sync_ok("the exchange after the cuts");
	free(out);
	int rc = vpc_admin(&out, "check", NULL);
	ck_assert_msg(rc == 0, "shegong check on the village PC after the cuts: status %d: %s", rc,
		      out);
	free(out);
	rc = twp(NULL, &out, "check", NULL);
	ck_assert_msg(rc == 0, "shegong check on the township after the cuts: status %d: %s", rc,
		      out);
	free(out);
	struct view cut_v, cut_t;
	view_of(true, &cut_v);
	view_of(false, &cut_t);
	st = ref_status(true, ref2, NULL);
	ck_assert_msg(strcmp(st, "Accepted") == 0,
		      "after the re-run the village PC shows %s as %s, not Accepted", ref2, st);
	free(st);
	st = ref_status(false, ref3, NULL);
	ck_assert_msg(strcmp(st, "Submitted") == 0,
		      "after the re-run the township shows %s as %s, not Submitted", ref3, st);
	free(st);
	st = ref_status(false, ref, NULL);
	ck_assert_msg(strcmp(st, "Closed") == 0,
		      "after the re-run the township shows %s as %s, not Closed", ref, st);
	free(st);

	/* nothing doubled: three residents, one service record, three
	 * referrals, on both sides */
	const struct view *both[2] = {&cut_v, &cut_t};
	for (int i = 0; i < 2; i++) {
		const char *side = i ? "township" : "village PC";
		ck_assert_msg(lines(both[i]->res) == 3, "the %s lists %zu residents, not 3:\n%s", side,
			      lines(both[i]->res), both[i]->res);
		ck_assert_msg(lines(both[i]->svc) == 1, "the %s lists %zu service records, not 1:\n%s",
			      side, lines(both[i]->svc), both[i]->svc);
		ck_assert_msg(lines(both[i]->ref) == 3, "the %s lists %zu referrals, not 3:\n%s", side,
			      lines(both[i]->ref), both[i]->ref);
	}

	/* the same databases as before the cuts, exchanged once uncut */
	snapshot(true);
	out = sync_ok("the uncut exchange from the same databases");
	free(out);
	struct view un_v, un_t;
	view_of(true, &un_v);
	view_of(false, &un_t);
	assert_same_view("village PC", &cut_v, "after the cut and the re-run", &un_v,
			 "after an uncut exchange");
	assert_same_view("township", &cut_t, "after the cut and the re-run", &un_t,
			 "after an uncut exchange");
	ck_assert_msg(strcmp(un_v.shows, un_t.shows) == 0,
		      "the referrals shown whole differ between the sides:\nvillage PC:\n%s\n"
		      "township:\n%s", un_v.shows, un_t.shows);
	ck_assert_msg(strcmp(un_v.counts, un_t.counts) == 0,
		      "the counts of records differ between the sides:\nvillage PC:\n%s\ntownship:\n%s",
		      un_v.counts, un_t.counts);
	/* and the two sides agree with each other */
	ck_assert_msg(strcmp(un_v.res, un_t.res) == 0,
		      "the residents differ between the sides:\nvillage PC:\n%s\ntownship:\n%s",
		      un_v.res, un_t.res);
	ck_assert_msg(strcmp(un_v.svc, un_t.svc) == 0,
		      "the service records differ between the sides:\nvillage PC:\n%s\ntownship:\n%s",
		      un_v.svc, un_t.svc);
	view_free(&before_v);
	view_free(&before_t);
	view_free(&cut_v);
	view_free(&cut_t);
	view_free(&un_v);
	view_free(&un_t);
	free(ref);
	free(ref2);
	free(ref3);
	free(res2);
	free(res3);
}
END_TEST

/* 5. Again with nothing changed: "nothing new"; the same records on both
 * sides; the same as cron would run it; `shegong check` passes on both. */
START_TEST(test_5_nothing_new)
{
	need_server();
	/* the last test ended with an exchange: nothing changed since */
	struct view v0, t0, v1, t1;
	view_of(true, &v0);
	view_of(false, &t0);
	char *out = sync_ok("the exchange with nothing changed");
	ck_assert_msg(strstr(out, "Sent 0 records") != NULL && strstr(out, "nothing new") != NULL,
		      "an exchange with nothing changed does not say so: %s", out);
	free(out);
	view_of(true, &v1);
	view_of(false, &t1);
	assert_same_view("village PC", &v1, "after an exchange with nothing new", &v0, "before it");
	assert_same_view("township", &t1, "after an exchange with nothing new", &t0, "before it");
	view_free(&v0);
	view_free(&t0);
	view_free(&v1);
	view_free(&t1);

	/* as cron runs it: no host (the last one's), ssh's options in the
	 * worker's ~/.ssh/config */
	struct passwd *pw = getpwnam(srv.login[VW]);
	ck_assert_ptr_nonnull(pw);
	char dir[PATH_MAX + 16], conf[PATH_MAX + 32], *text;
	snprintf(dir, sizeof dir, "%s/.ssh", pw->pw_dir);
	snprintf(conf, sizeof conf, "%s/config", dir);
	ck_assert_int_ge(asprintf(&text,
				  "Host 127.0.0.1\n\tPort %d\n\tIdentityFile %s\n"
				  "\tIdentitiesOnly yes\n\tBatchMode yes\n"
				  "\tStrictHostKeyChecking no\n\tUserKnownHostsFile /dev/null\n"
				  "\tGlobalKnownHostsFile /dev/null\n\tLogLevel ERROR\n",
				  sshd.port, srv.vkey),
			 0);
	ck_assert(mkdir(dir, 0700) == 0 || errno == EEXIST);
	ck_assert_msg(sshd_write_file(conf, text, 0600), "cannot write %s", conf);
	free(text);
	ck_assert_int_eq(chown(dir, pw->pw_uid, pw->pw_gid), 0);
	ck_assert_int_eq(chown(conf, pw->pw_uid, pw->pw_gid), 0);
	int rc = vpc(&out, "sync", NULL);
	ck_assert_msg(rc == 0 && strstr(out, "Sent 0 records") != NULL &&
			      strstr(out, "nothing new") != NULL,
		      "shegong sync without a host (the last exchange's, as cron runs it): status "
		      "%d: %s", rc, out);
	free(out);

	ck_assert_int_eq(vpc(&out, "sync", "--status", NULL), 0);
	ck_assert_msg(strstr(out, "Waiting to go up: 0 records") != NULL,
		      "the village PC has something waiting after a full exchange: %s", out);
	free(out);
	rc = vpc_admin(&out, "check", NULL);
	ck_assert_msg(rc == 0, "shegong check on the village PC: status %d: %s", rc, out);
	free(out);
	rc = twp(NULL, &out, "check", NULL);
	ck_assert_msg(rc == 0, "shegong check on the township: status %d: %s", rc, out);
	free(out);
}
END_TEST

/* 6. Both audit trails hold the exchanges. */
START_TEST(test_6_audit)
{
	need_server();
	char *out;
	int rc = vpc_admin(&out, "audit", NULL);
	ck_assert_msg(rc == 0, "audit on the village PC as its administrator: status %d: %s", rc,
		      out);
	ck_assert_msg(strstr(out, "\tsync\t") != NULL && strstr(out, "\tsync-out\t") != NULL,
		      "the village PC's audit trail lacks the exchanges (sync, sync-out): %s", out);
	ck_assert_msg(strstr(out, "nothing new") != NULL,
		      "the village PC's audit trail lacks the exchange with nothing new: %s", out);
	free(out);
	rc = twp(NULL, &out, "audit", "--worker", srv.login[VW], NULL);
	ck_assert_msg(rc == 0, "audit on the township: status %d: %s", rc, out);
	ck_assert_msg(strstr(out, "\tsync\t") != NULL && strstr(out, "\tsync-out\t") != NULL,
		      "the township's audit trail lacks the village worker's exchanges (sync, "
		      "sync-out): %s", out);
	free(out);
}
END_TEST

/* 7. The same referral changed on both sides between two exchanges: the
 * village withdraws it while the station accepts it.  One exchange: both
 * sides then hold the same referral, and the step that could not be
 * taken is in a notice for a worker, not dropped. */
START_TEST(test_7_both_change_one_referral)
{
	need_server();
	char *out;
	ck_assert_int_eq(vpc(&out, "referral", "list", "--all", "--state", "submitted", NULL), 0);
	ck_assert_msg(lines(out) == 1, "not one submitted referral on the village PC: %s", out);
	*strchr(out, '\t') = '\0';
	char *ref = out;
	ck_assert_msg(vpc(&out, "referral", "withdraw", ref, "--note", "家属已解决", NULL) == 0,
		      "the village could not withdraw %s: %s", ref, out);
	free(out);
	ck_assert_msg(twp(srv.login[TW], &out, "referral", "accept", ref, NULL) == 0,
		      "the station could not accept %s: %s", ref, out);
	free(out);
	out = sync_ok("the exchange after both changed one referral");
	ck_assert_msg(strstr(out, "1 referrals merged") != NULL && strstr(out, "1 notices") != NULL,
		      "the exchange does not say it merged the referral with a notice: %s", out);
	free(out);

	/* one referral, the same on both sides: the village's withdrawal came
	 * first, so the station's acceptance could not be taken */
	char *tv, *tt;
	char *sv = ref_status(true, ref, &tv), *st = ref_status(false, ref, &tt);
	ck_assert_msg(strcmp(sv, "Withdrawn") == 0 && strcmp(st, "Withdrawn") == 0,
		      "after the exchange %s is %s on the village PC and %s at the township, not "
		      "Withdrawn on both", ref, sv, st);
	const char *hv = strstr(tv, "\nHistory:\n"), *ht = strstr(tt, "\nHistory:\n");
	ck_assert_msg(hv && ht && strcmp(hv, ht) == 0,
		      "the history of %s differs:\nvillage PC:\n%s\ntownship:\n%s", ref, tv, tt);
	ck_assert_msg(strstr(hv, "Withdraw") != NULL && strstr(hv, "Accept") != NULL,
		      "the history of %s lacks a side's step: %s", ref, tv);
	free(sv);
	free(st);
	free(tv);
	free(tt);

	/* the step not taken: a notice on each side, which a worker settles */
	ck_assert_int_eq(vpc(&out, "sync", "--notices", NULL), 0);
	ck_assert_msg(lines(out) == 1 && strstr(out, ref) != NULL && strstr(out, "accept") != NULL,
		      "the village PC has not one notice of the acceptance not taken: %s", out);
	free(out);
	ck_assert_int_eq(twp(srv.login[TW], &out, "sync", "--notices", NULL), 0);
	ck_assert_msg(lines(out) == 1 && strstr(out, ref) != NULL,
		      "the township has not one notice for %s: %s", ref, out);
	free(out);
	ck_assert_msg(vpc(&out, "sync", "--settle", "1", "--note", "已电话告知镇站", NULL) == 0,
		      "the village worker could not settle the notice: %s", out);
	free(out);
	ck_assert_int_eq(vpc(&out, "sync", "--notices", NULL), 0);
	ck_assert_msg(strstr(out, "No notices to settle") != NULL,
		      "the settled notice is still open on the village PC: %s", out);
	free(out);

	/* and the next exchange has nothing more to say */
	out = sync_ok("the exchange after the notice");
	ck_assert_msg(strstr(out, "nothing new") != NULL && strstr(out, "notices") == NULL,
		      "the exchange after the merge is not \"nothing new\": %s", out);
	free(out);
	free(ref);
}
END_TEST

/* --- 8: forged files over ssh ---------------------------------------------- */

/* What the village worker can read on their own PC's database: its
 * exchange key, 新华村's unit id, a record. */
struct pc_read {
	unsigned char key[SYNC_KEYLEN];
	bool have_key;
	char other[REC_ID_TEXTMAX];
	rec_id id;
	record *r;
};

static int
pc_read_txn(store_txn *t, void *ctx)
{
	struct pc_read *p = ctx;
	void *d;
	size_t n;
	int err = store_meta_get(t, "sync/key", &d, &n);
	if (err)
		return err;
	if (n == SYNC_KEYLEN) {
		memcpy(p->key, d, n);
		p->have_key = true;
	}
	free(d);
	record *u;
	if ((err = orgunit_by_code(t, "510421100002", &u)))
		return err;
	rec_id_format(&u->id, p->other);
	record_free(u);
	if (p->id.seq)
		err = store_get(t, &p->id, &p->r);
	return err;
}

static void
pc_read(struct pc_read *p, const char *idtext)
{
	memset(p, 0, sizeof *p);
	if (idtext)
		ck_assert_int_eq(rec_id_parse(idtext, &p->id), 0);
	store *st;
	ck_assert_int_eq(store_open(&st, srv.vpc, STORE_RDONLY), 0);
	int err = store_read(st, pc_read_txn, p);
	store_close(st);
	ck_assert_msg(err == 0 && p->have_key, "cannot read the village PC's key: %d", err);
}

/* The village PC's next file, taken apart. */
static void
pc_file(struct xfile *x)
{
	char path[sizeof srv.vpc + 16], *out;
	snprintf(path, sizeof path, "%s/up.sgx", srv.vpc);
	ck_assert_msg(vpc(&out, "sync", "--to-file", path, NULL) == 0, "sync --to-file: %s", out);
	free(out);
	unsigned char *buf;
	size_t len;
	ck_assert_int_eq(sync_file_read(path, &buf, &len), 0);
	xfile_parse(buf, len, x);
	free(buf);
	unlink(path);
}

/* `ssh VILLAGE-WORKER@township shegong sync --serve` with what the shell
 * command feed writes on its standard input (the worker's own login: the
 * township's ForceCommand runs it). */
static int
serve_run(const char *feed, char **out)
{
	char cmd[PATH_MAX * 4];
	snprintf(cmd, sizeof cmd,
		 "%s | " SSH " -F /dev/null -p %d -i %s -o IdentitiesOnly=yes -o BatchMode=yes "
		 "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
		 "-o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR %s@127.0.0.1 "
		 "shegong sync --serve >/dev/null",
		 feed, sshd.port, srv.vkey, srv.login[VW]);
	char *argv[] = {"/bin/sh", "-c", cmd, NULL};
	return sshd_run(srv.login[VW], program_env(), argv, out);
}

/* x sealed with the PC's key, sent up over ssh: refused, saying want. */
static void
serve_refused(const struct xfile *x, const unsigned char *key, const char *what,
	      const char *want)
{
	size_t len;
	unsigned char *buf = xfile_build(x, key, &len);
	char path[sizeof srv.vpc + 16], feed[sizeof path + 16], *out;
	snprintf(path, sizeof path, "%s/forged.sgx", srv.vpc);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(buf, 1, len, f), len);
	fclose(f);
	free(buf);
	struct passwd *pw = getpwnam(srv.login[VW]);
	ck_assert_int_eq(chown(path, pw->pw_uid, pw->pw_gid), 0);
	snprintf(feed, sizeof feed, "cat %s", path);
	int rc = serve_run(feed, &out);
	ck_assert_msg(rc != 0 && strstr(out, want) != NULL,
		      "%s: sync --serve ended with %d, not refusing with \"%s\": %s", what, rc, want,
		      out);
	free(out);
	unlink(path);
}

static void
add_line(record *r, const char *lines)
{
	char *h = NULL;
	ck_assert_int_ge(asprintf(&h, "%s\n%s", record_get(r, "_history"), lines), 0);
	record_set(r, "_history", h);
	free(h);
}

/* 8. 安宁村's worker writes files in the real format, sealed with the key
 * their own PC holds, and sends them with `ssh worker@township` (sync
 * --serve): one claiming to be 新华村's, one stepping their referral
 * through the station's steps, one with a version at its top, one whose
 * resident's ID number is "123", and 300 MB of zeros.  Each is refused
 * with what and why; `shegong check` passes on the township; the next
 * real exchange is taken. */
START_TEST(test_8_forged_over_ssh)
{
	need_server();
	char *ref = first_referral();
	char *st0 = ref_status(false, ref, NULL);
	char *res = register_resident("钱多多", "19520202", 31);
	struct pc_read p;
	pc_read(&p, ref);
	struct xfile x;

	pc_file(&x);
	ck_assert_uint_ge(x.n, 1);
	char mine[sizeof x.text[0]];
	snprintf(mine, sizeof mine, "%s", x.text[0]);
	snprintf(x.text[0], sizeof x.text[0], "%s", p.other);
	serve_refused(&x, p.key, "a file claiming 新华村", "not one you look after");
	snprintf(x.text[0], sizeof x.text[0], "%s", mine);

	record *r = record_dup(p.r);
	add_line(r, "2026-12-01 09:00\tstation\taccept\t\n"
		    "2026-12-01 09:10\tstation\tresolve\tsuccess: 已解决");
	record_set(r, "status", "resolved");
	xfile_add(&x, r);
	serve_refused(&x, p.key, "the station's steps", "a step the village may not take");
	x.recs[x.n - 1]->version = UINT32_MAX;
	serve_refused(&x, p.key, "a version at its top", "version number is out of range");
	record_free(x.recs[--x.n]);

	record_set(x.recs[0], "idnum", "123");
	serve_refused(&x, p.key, "an ID number \"123\"", "idnum:");
	xfile_free(&x);
	record_free(p.r);

	char *out;
	int rc = serve_run("head -c 300000000 /dev/zero", &out);
	ck_assert_msg(rc != 0 && strstr(out, "larger than any exchange file") != NULL,
		      "300 MB of zeros to sync --serve: status %d: %s", rc, out);
	free(out);

	rc = twp(NULL, &out, "check", NULL);
	ck_assert_msg(rc == 0, "shegong check on the township after the forgeries: %d: %s", rc,
		      out);
	free(out);
	rc = twp(srv.login[TW], &out, "show", res, NULL);
	ck_assert_msg(rc != 0, "the resident of the forged files reached the township: %s", out);
	free(out);
	/* the real exchange is taken */
	out = sync_ok("the exchange after the forged files");
	free(out);
	rc = twp(srv.login[TW], &out, "show", res, NULL);
	ck_assert_msg(rc == 0 && strstr(out, "钱多多") != NULL,
		      "the resident did not reach the township after the forgeries: %s", out);
	free(out);
	char *st = ref_status(false, ref, NULL);
	ck_assert_msg(strcmp(st, st0) == 0, "the forged steps were taken: %s, was %s", st, st0);
	free(st);
	free(st0);
	free(ref);
	free(res);
}
END_TEST

/* 9. A township server's figures go up to its county server over ssh
 * (sync --county): here the demo database plays 攀莲镇's own server and
 * the test's server its county's, logged in as the county station's
 * worker (the referral the demo escalated goes up with them, test 10).  The upload cut short keeps nothing; the whole one is kept,
 * a newer one replaces it (nothing doubled), the county lists them. */
static int
figures_run(const char *cut, char **out)
{
	char ssh[PATH_MAX * 3], host[64], db[PATH_MAX + 16];
	snprintf(ssh, sizeof ssh,
		 "%s%s%s%s -F /dev/null -p %d -i %s -o IdentitiesOnly=yes -o BatchMode=yes "
		 "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
		 "-o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10",
		 cut ? srv.cut : "", cut ? " " : "", cut ? cut : "", cut ? " " SSH : SSH,
		 sshd.port, sshd.key);
	snprintf(host, sizeof host, "%s@127.0.0.1", srv.login[CW]);
	snprintf(db, sizeof db, "%s/townsrv", sshd.dir);
	char *argv[] = {srv.plain, "--demo", "--db", db, "--as", "panlian", "sync", "--county",
			host, "--ssh", ssh, NULL};
	int rc = sshd_run(NULL, program_env(), argv, out);
	return clean(rc, *out, argv);
}

START_TEST(test_9_figures_over_ssh)
{
	need_server();
	char *out;
	int rc = figures_run("up 60", &out);
	ck_assert_msg(rc != 0, "figures cut short were taken: %s", out);
	free(out);
	rc = twp(NULL, &out, "sync", "--figures", NULL);
	ck_assert_msg(rc == 0 && strstr(out, "No township's figures") != NULL,
		      "the county kept figures cut short: %d: %s", rc, out);
	free(out);
	rc = figures_run(NULL, &out);
	if (rc != 0)
		sshd_show_log();
	ck_assert_msg(rc == 0 && strstr(out, "keeps the township's figures") != NULL,
		      "sync --county: status %d: %s", rc, out);
	free(out);
	/* again: the newer file replaces the township's figures, none doubled */
	rc = twp(srv.login[CW], &out, "sync", "--figures", NULL);
	ck_assert_int_eq(rc, 0);
	size_t lines1 = 0;
	for (const char *c = out; *c; c++)
		lines1 += *c == '\n';
	free(out);
	rc = figures_run(NULL, &out);
	ck_assert_msg(rc == 0 && (strstr(out, "keeps the township's figures") != NULL ||
				  strstr(out, "has these figures already") != NULL),
		      "sync --county again: status %d: %s", rc, out);
	free(out);
	rc = twp(srv.login[CW], &out, "sync", "--figures", NULL);
	size_t lines2 = 0;
	for (const char *c = out; *c; c++)
		lines2 += *c == '\n';
	ck_assert_msg(lines2 == lines1 && lines1 > 10, "figures before %zu lines, after %zu",
		      lines1, lines2);
	ck_assert_msg(rc == 0 && strstr(out, "510421100\t510421100001\t") != NULL &&
			      strstr(out, "\tneed\t") != NULL,
		      "the county lists no figures of 攀莲镇: %d: %s", rc, out);
	free(out);
	rc = twp(NULL, &out, "audit", NULL);
	ck_assert_msg(rc == 0 && strstr(out, "sync-figures") != NULL,
		      "the county's audit trail lacks the figures: %s", out);
	free(out);
}
END_TEST

/* 11. The server becomes the city's (攀枝花市 registered in it): a
 * county server (a plain database, as root its administrator) holding
 * 攀莲镇's figures sends the county's with sync --up, as the county
 * station's login there.  Cut short, nothing is kept; whole, the city
 * lists the county's rows, its township's villages among them; a
 * township's own file sent to the city is refused. */
static int
up_run(const char *db, const char *as, const char *login, const char *cut, char **out)
{
	char ssh[PATH_MAX * 3], host[64];
	snprintf(ssh, sizeof ssh,
		 "%s%s%s%s -F /dev/null -p %d -i %s -o IdentitiesOnly=yes -o BatchMode=yes "
		 "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
		 "-o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10",
		 cut ? srv.cut : "", cut ? " " : "", cut ? cut : "", cut ? " " SSH : SSH,
		 sshd.port, sshd.key);
	snprintf(host, sizeof host, "%s@127.0.0.1", login);
	/* the township's is the demo database, where --as needs --demo */
	char *argv[16];
	size_t n = 0;
	argv[n++] = srv.plain;
	if (strcmp(as, "panlian") == 0)
		argv[n++] = "--demo";
	char *rest[] = {"--db", (char *)db, "--as", (char *)as, "sync", "--up", host, "--ssh", ssh};
	for (size_t k = 0; k < sizeof rest / sizeof rest[0]; k++)
		argv[n++] = rest[k];
	argv[n] = NULL;
	int rc = sshd_run(NULL, program_env(), argv, out);
	return clean(rc, *out, argv);
}

START_TEST(test_11_county_to_city)
{
	need_server();
	char *out, county[PATH_MAX + 16], town[PATH_MAX + 16], fig[PATH_MAX + 32];
	snprintf(county, sizeof county, "%s/countysrv", sshd.dir);
	snprintf(town, sizeof town, "%s/townsrv", sshd.dir);
	snprintf(fig, sizeof fig, "%s/pc/fig.sgx", sshd.dir);
	/* the county server: 攀莲镇's figures taken from a file */
	char *mk[] = {srv.plain, "--demo", "--db", town, "--as", "panlian", "sync", "--figures-to",
		      fig, NULL};
	int rc = sshd_run(NULL, program_env(), mk, &out);
	ck_assert_msg(clean(rc, out, mk) == 0, "the township's figures: %s", out);
	free(out);
	char *in[] = {srv.plain, "--db", county, "init", "--county", COUNTY, "米易县", "--township",
		      TOWNSHIP, "攀莲镇", NULL};
	rc = sshd_run(NULL, program_env(), in, &out);
	ck_assert_msg(clean(rc, out, in) == 0, "init of the county: %s", out);
	free(out);
	char *take[] = {srv.plain, "--db", county, "sync", "--from-file", fig, NULL};
	rc = sshd_run(NULL, program_env(), take, &out);
	rc = clean(rc, out, take);
	ck_assert_msg(rc == 0, "the county did not take the township's figures: %s", out);
	free(out);
	/* the server is the city's from now on */
	rc = twp(NULL, &out, "unit", "add", "5104", "攀枝花市", NULL);
	ck_assert_msg(rc == 0, "unit add 5104: %d: %s", rc, out);
	free(out);
	rc = up_run(county, "root", srv.login[CW], "up 60", &out);
	ck_assert_msg(rc != 0, "the county's figures cut short were taken: %s", out);
	free(out);
	rc = twp(NULL, &out, "sync", "--figures", NULL);
	ck_assert_msg(rc == 0 && strstr(out, "510421\t") == NULL,
		      "the city kept county figures cut short: %d: %s", rc, out);
	free(out);
	rc = up_run(county, "root", srv.login[CW], NULL, &out);
	if (rc != 0)
		sshd_show_log();
	ck_assert_msg(rc == 0 && strstr(out, "The city server keeps the county's figures") != NULL,
		      "sync --up from the county: status %d: %s", rc, out);
	free(out);
	rc = up_run(county, "root", srv.login[CW], NULL, &out);
	ck_assert_msg(rc == 0 && (strstr(out, "keeps the county's figures") != NULL ||
				  strstr(out, "has these figures already") != NULL),
		      "sync --up again: status %d: %s", rc, out);
	free(out);
	rc = twp(srv.login[CW], &out, "sync", "--figures", NULL);
	ck_assert_msg(rc == 0 && strstr(out, "510421\t510421100001\t") != NULL &&
			      strstr(out, "\tneed\t") != NULL,
		      "the city lists no figures of 米易县's villages: %d: %s", rc, out);
	free(out);
	/* a township's own file, sent to the city as to a county */
	rc = up_run(town, "panlian", srv.login[CW], NULL, &out);
	ck_assert_msg(rc != 0 && strstr(out, "go to its county's server") != NULL,
		      "the city took a township's own figures: %d: %s", rc, out);
	free(out);
}
END_TEST

/* The program on 攀莲镇's own server (the demo database of tests 9 to 11,
 * plain, as root) as the worker as. */
static int
town_v(const char *as, char **out, ...)
{
	char db[PATH_MAX + 16];
	snprintf(db, sizeof db, "%s/townsrv", sshd.dir);
	char *argv[MAXARGS] = {srv.plain, "--demo", "--db", db, "--as", (char *)as};
	size_t n = 6;
	va_list ap;
	va_start(ap, out);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && n < MAXARGS - 1)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	int rc = sshd_run(NULL, program_env(), argv, out);
	return clean(rc, *out, argv);
}

/* The steps of a referral's history as `referral show` lists them (the
 * 4th word of each line after "History:"), space-separated, in order. */
static void
history_of(const char *show, char *steps, size_t size)
{
	*steps = '\0';
	const char *h = strstr(show, "\nHistory:");
	if (!h)
		return;
	h = strchr(h + 1, '\n');
	while (h && h[1]) {
		const char *line = h + 1, *end = strchr(line, '\n');
		char buf[512];
		size_t len = end ? (size_t)(end - line) : strlen(line);
		snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
		char *save = NULL, *w = strtok_r(buf, " \t", &save);
		for (int k = 1; w && k < 4; k++)
			w = strtok_r(NULL, " \t", &save);
		if (w) {
			size_t at = strlen(steps);
			snprintf(steps + at, size - at, "%s ", w);
		}
		h = end;
	}
}

/* Lines of out holding what. */
static int
lines_with(const char *out, const char *what)
{
	int n = 0;
	for (const char *p = out; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

/* 10. Escalated referrals over ssh: the demo's 安宁村 worker refers on 攀莲镇's
 * server, the township accepts and escalates to 米易县, and `sync --up`
 * carries the referral, with its person and need, to the test's server
 * playing the county, logged in as the county station's worker, and
 * brings back the county's answers in the same command.  A village
 * worker's login and the township worker's are refused.  The link is cut going up (nothing taken), coming
 * down (the county kept it, the township has no answer yet) and after
 * the county resolved it: each rerun completes, nothing is doubled, a
 * run more changes nothing, both histories are whole and in order, and
 * the township passes the answer on to 安宁村. */
START_TEST(test_10_referrals_over_ssh)
{
	need_server();
	char *out, town[PATH_MAX + 16];
	snprintf(town, sizeof town, "%s/townsrv", sshd.dir);
	int rc = town_v("anning", &out, "find", "resident", "", "--limit", "5", NULL);
	ck_assert_msg(rc == 0, "find resident: %s", out);
	char res[64] = "";
	const char *l2 = strchr(out, '\n');
	if (l2)
		sscanf(l2 + 1, "%63[^\t\n]", res);
	free(out);
	ck_assert_msg(*res, "no resident of 安宁村 on the township");
	rc = town_v("anning", &out, "referral", "new", "--resident", res, "--category", "elderly",
		    "--reason", "独居老人需日间照料", "--consent", "yes", "--submit", NULL);
	ck_assert_msg(rc == 0, "referral new: %s", out);
	char ref[64] = "";
	sscanf(out, "%63s", ref);
	free(out);
	rc = town_v("panlian", &out, "referral", "accept", ref, NULL);
	ck_assert_msg(rc == 0, "accept: %s", out);
	free(out);
	rc = town_v("panlian", &out, "referral", "escalate", ref, "--reason", "需县级日间照料中心",
		    NULL);
	ck_assert_msg(rc == 0, "escalate: %s", out);
	char child[64] = "";
	const char *sent = strstr(out, "Sent on as the new referral ");
	if (sent)
		sscanf(sent + strlen("Sent on as the new referral "), "%63[^ .]", child);
	free(out);
	ck_assert_msg(*child, "no referral sent on to the county");

	/* a village worker's login and a township worker's: refused */
	rc = up_run(town, "panlian", srv.login[VW], NULL, &out);
	ck_assert_msg(rc != 0, "a village worker's login took the figures or referrals: %s", out);
	free(out);
	rc = up_run(town, "panlian", srv.login[TW], NULL, &out);
	ck_assert_msg(rc != 0 && strstr(out, "logged in as a worker of the county") != NULL,
		      "a township worker's login took the referrals: %d: %s", rc, out);
	free(out);
	rc = twp(srv.login[CW], &out, "referral", "list", "--all", NULL);
	ck_assert_msg(rc == 0 && strstr(out, child) == NULL,
		      "the county has %s after refusals: %s", child, out);
	free(out);

	/* cut going up: nothing taken */
	rc = up_run(town, "panlian", srv.login[CW], "up 700", &out);
	ck_assert_msg(rc != 0, "a cut upload ended well: %s", out);
	free(out);
	rc = twp(srv.login[CW], &out, "referral", "list", "--all", NULL);
	ck_assert_msg(rc == 0 && strstr(out, child) == NULL,
		      "the county took part of a cut file: %s", out);
	free(out);
	/* cut coming down: the county has it, the township no answer */
	rc = up_run(town, "panlian", srv.login[CW], "down 300", &out);
	ck_assert_msg(rc != 0, "a cut answer ended well: %s", out);
	free(out);
	rc = twp(srv.login[CW], &out, "referral", "list", NULL);
	ck_assert_msg(rc == 0 && lines_with(out, child) == 1,
		      "the county's inbox lacks %s once: %s", child, out);
	free(out);
	/* the rerun completes */
	rc = up_run(town, "panlian", srv.login[CW], NULL, &out);
	if (rc != 0)
		sshd_show_log();
	ck_assert_msg(rc == 0 && strstr(out, "referrals escalated to the county") != NULL &&
			      strstr(out, "The county's answers from") != NULL,
		      "sync --up after the cuts: %d: %s", rc, out);
	free(out);
	rc = twp(srv.login[CW], &out, "referral", "show", child, NULL);
	ck_assert_msg(rc == 0 && strstr(out, "Status: Submitted") != NULL &&
			      strstr(out, "Reason for referral: 需县级日间照料中心") != NULL,
		      "the referral on the county: %s", out);
	free(out);
	rc = twp(srv.login[CW], &out, "show", res, NULL);
	ck_assert_msg(rc == 0, "the county cannot read the person it carries: %s", out);
	free(out);

	/* the county works it; its answer is cut on the way down, then comes */
	rc = twp(srv.login[CW], &out, "referral", "accept", child, NULL);
	ck_assert_msg(rc == 0, "the county's accept: %s", out);
	free(out);
	rc = twp(srv.login[CW], &out, "referral", "resolve", child, "--outcome", "success",
		 "--feedback", "县日间照料中心每周接送三次", NULL);
	ck_assert_msg(rc == 0, "the county's resolve: %s", out);
	free(out);
	rc = up_run(town, "panlian", srv.login[CW], "down 500", &out);
	ck_assert_msg(rc != 0, "a cut answer ended well: %s", out);
	free(out);
	rc = town_v("panlian", &out, "referral", "show", child, NULL);
	ck_assert_msg(rc == 0 && strstr(out, "Status: Submitted") != NULL,
		      "the township took part of a cut answer: %s", out);
	free(out);
	rc = up_run(town, "panlian", srv.login[CW], NULL, &out);
	ck_assert_msg(rc == 0 && strstr(out, "1 referrals merged") != NULL,
		      "the county's answer: %d: %s", rc, out);
	free(out);
	char steps[256], *show;
	rc = town_v("panlian", &show, "referral", "show", child, NULL);
	history_of(show, steps, sizeof steps);
	ck_assert_msg(rc == 0 && strstr(show, "Status: Resolved") != NULL &&
			      strstr(show, "Feedback to the village: 县日间照料中心每周接送三次") != NULL &&
			      strcmp(steps, "Created Submit Accept Resolve ") == 0,
		      "the township's copy (history \"%s\"): %s", steps, show);
	free(show);
	rc = twp(srv.login[CW], &show, "referral", "show", child, NULL);
	history_of(show, steps, sizeof steps);
	ck_assert_msg(rc == 0 && strcmp(steps, "Created Submit Accept Resolve ") == 0,
		      "the county's history \"%s\": %s", steps, show);
	free(show);

	/* once more: nothing new, nothing doubled on either side */
	char *tb, *cb, *ta, *ca;
	ck_assert_int_eq(town_v("panlian", &tb, "referral", "list", "--all", NULL), 0);
	ck_assert_int_eq(twp(srv.login[CW], &cb, "referral", "list", "--all", NULL), 0);
	rc = up_run(town, "panlian", srv.login[CW], NULL, &out);
	ck_assert_msg(rc == 0 && strstr(out, "The county's answers from 米易县 (510421): nothing "
					     "new") != NULL,
		      "a run more: %d: %s", rc, out);
	free(out);
	ck_assert_int_eq(town_v("panlian", &ta, "referral", "list", "--all", NULL), 0);
	ck_assert_int_eq(twp(srv.login[CW], &ca, "referral", "list", "--all", NULL), 0);
	ck_assert_msg(strcmp(tb, ta) == 0, "the township changed:\n%s\nthen\n%s", tb, ta);
	ck_assert_msg(strcmp(cb, ca) == 0, "the county changed:\n%s\nthen\n%s", cb, ca);
	ck_assert_msg(lines_with(ca, child) == 1, "the county lists %s %d times", child,
		      lines_with(ca, child));
	free(tb);
	free(cb);
	free(ta);
	free(ca);

	/* the township passes the county's answer on to 安宁村 */
	rc = town_v("panlian", &out, "referral", "resolve", ref, "--outcome", "success",
		    "--feedback", "县日间照料中心每周接送三次", NULL);
	ck_assert_msg(rc == 0, "the township's resolve: %s", out);
	free(out);
	rc = town_v("anning", &show, "referral", "show", ref, NULL);
	history_of(show, steps, sizeof steps);
	ck_assert_msg(rc == 0 && strstr(show, "Feedback to the village: 县日间照料中心每周接送三次") &&
			      strcmp(steps, "Created Submit Accept Escalate Resolve ") == 0,
		      "安宁村's referral (history \"%s\"): %s", steps, show);
	free(show);
	rc = twp(NULL, &out, "audit", NULL);
	ck_assert_msg(rc == 0 && strstr(out, "referrals from 510421100") != NULL &&
			      strstr(out, "referrals to 510421100") != NULL,
		      "the county's audit trail lacks the exchanges: %s", out);
	free(out);
}
END_TEST

/* 12. Four databases, each its own server: the village PC (joined from
 * the township in test 1), the township (the server of tests 1 to 8), and
 * 米易县's and 攀枝花市's servers (plain databases of their own accounts,
 * reached over the same sshd, each account's key forcing the program on
 * its database).  A referral made on the village PC goes up with sync,
 * is accepted and escalated by the township, carried to the county with
 * sync --up, resolved there with feedback; the township's figures go to
 * the county and the county's to the city, whose report then lists 攀莲镇
 * and its villages; the township's next sync --up brings the county's
 * answer, the township resolves the original, and the village's next
 * sync shows the county's feedback.  The link is cut on every leg, each
 * rerun completes, nothing is doubled, every history is whole and in
 * order. */
enum { KS, YS };

/* The program on site i's database, as its own account. */
static int
site(int i, char **out, ...)
{
	char *argv[MAXARGS] = {srv.plain, "--db", srv.site_db[i]};
	size_t n = 3;
	va_list ap;
	va_start(ap, out);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && n < MAXARGS - 1)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	int rc = sshd_run(srv.site_login[i], program_env(), argv, out);
	return clean(rc, *out, argv);
}

/* The --ssh command with key, through cut when not NULL. */
static void
ssh_with(char *buf, size_t size, const char *cut, const char *key)
{
	snprintf(buf, size,
		 "%s%s%s%s -F /dev/null -p %d -i %s -o IdentitiesOnly=yes -o BatchMode=yes "
		 "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null "
		 "-o GlobalKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=10",
		 cut ? srv.cut : "", cut ? " " : "", cut ? cut : "", cut ? " " SSH : SSH,
		 sshd.port, key);
}

static void
log_run(const char *what, const char *cut, int rc, const char *out)
{
	FILE *f = fopen(sshd.log, "a");
	if (f != NULL) {
		fprintf(f, "+ %s%s%s: status %d\n%s", what, cut ? " cut " : "", cut ? cut : "", rc,
			out ? out : "");
		fclose(f);
	}
}

/* The township server (as root, its administrator, acting as the
 * station's worker) sends to the county's server: mode "--up" (escalated
 * referrals, the answers back) or "--county" (its figures). */
static int
town_to_county(const char *mode, const char *cut, char **out)
{
	char ssh[PATH_MAX * 3], host[64];
	ssh_with(ssh, sizeof ssh, cut, sshd.key);
	snprintf(host, sizeof host, "%s@127.0.0.1", srv.site_login[KS]);
	char *argv[] = {srv.plain, "--db", srv.tw.db, "--as", srv.login[TW], "sync", (char *)mode,
			host, "--ssh", ssh, NULL};
	int rc = sshd_run(NULL, program_env(), argv, out);
	log_run(mode, cut, rc, *out);
	return clean(rc, *out, argv);
}

/* The county's server sends its figures up to the city's, as its own
 * account with its key. */
static int
county_to_city(const char *cut, char **out)
{
	char ssh[PATH_MAX * 3], host[64], key[PATH_MAX + 64];
	struct passwd *pw = getpwnam(srv.site_login[KS]);
	ck_assert_ptr_nonnull(pw);
	snprintf(key, sizeof key, "%s/sync_key", pw->pw_dir);
	ssh_with(ssh, sizeof ssh, cut, key);
	snprintf(host, sizeof host, "%s@127.0.0.1", srv.site_login[YS]);
	int rc = site(KS, out, "sync", "--up", host, "--ssh", ssh, NULL);
	log_run("county sync --up", cut, rc, *out);
	return rc;
}

/* A listing of sync --figures without each line's last column (when the
 * figures were made: a newer file of the same figures replaces them). */
static char *
figures_rows(char *list)
{
	char *w = list;
	for (const char *r = list; *r;) {
		const char *end = strchr(r, '\n'), *tab = NULL;
		end = end ? end : r + strlen(r);
		for (const char *c = r; c < end; c++)
			if (*c == '\t')
				tab = c;
		size_t keep = (size_t)((tab ? tab : end) - r);
		memmove(w, r, keep);
		w += keep;
		if (*end)
			*w++ = '\n';
		r = *end ? end + 1 : end;
	}
	*w = '\0';
	return list;
}

/* The steps of referral ref's history as shown by show (malloc'd). */
static char *
steps_of(const char *show)
{
	char steps[512];
	history_of(show, steps, sizeof steps);
	return strdup(steps);
}

START_TEST(test_12_four_databases)
{
	need_server();
	char *out, *show, *steps;
	long long t0 = sshd_now_ms();
	/* the county's and the city's servers */
	snapshot(false);
	int rc = site(KS, &out, "init", "--county", COUNTY, "米易县", "--township", TOWNSHIP,
		      "攀莲镇", "--village", VILLAGE, "安宁村", "--village", TOWNSHIP "002",
		      "新华村", NULL);
	ck_assert_msg(rc == 0, "init of 米易县's server: %d: %s", rc, out);
	free(out);
	rc = site(YS, &out, "init", "--city", "5104", "攀枝花市", "--county", COUNTY, "米易县",
		  "--township", TOWNSHIP, "攀莲镇", "--village", VILLAGE, "安宁村", "--village",
		  TOWNSHIP "002", "新华村", NULL);
	ck_assert_msg(rc == 0, "init of 攀枝花市's server: %d: %s", rc, out);
	free(out);

	/* the village PC refers; the link cut going up, then whole */
	char *res = register_resident("孙𠈌福", "19380909", 44);
	char *ref = refer(res, "高龄独居需县级照护");
	rc = sync_run("up 200", &out);
	ck_assert_msg(rc != 0, "a cut village exchange ended well: %s", out);
	free(out);
	ck_assert_int_eq(twp(srv.login[TW], &out, "referral", "list", "--all", NULL), 0);
	ck_assert_msg(strstr(out, ref) == NULL, "the township took a cut file: %s", out);
	free(out);
	free(sync_ok("the village's referral up after a cut"));
	ck_assert_int_eq(twp(srv.login[TW], &out, "referral", "list", NULL), 0);
	ck_assert_msg(lines_with(out, ref) == 1, "the township's inbox lacks %s once: %s", ref, out);
	free(out);

	/* the township accepts and escalates to the county */
	rc = twp(srv.login[TW], &out, "referral", "accept", ref, NULL);
	ck_assert_msg(rc == 0, "the township's accept: %s", out);
	free(out);
	rc = twp(srv.login[TW], &out, "referral", "escalate", ref, "--reason", "需县级照护床位",
		 NULL);
	ck_assert_msg(rc == 0, "escalate: %s", out);
	char child[64] = "";
	const char *sent = strstr(out, "Sent on as the new referral ");
	if (sent)
		sscanf(sent + strlen("Sent on as the new referral "), "%63[^ .]", child);
	free(out);
	ck_assert_msg(*child, "no referral sent on to the county");

	/* township -> county: cut going up, cut coming down, then whole */
	rc = town_to_county("--up", "up 700", &out);
	ck_assert_msg(rc != 0, "a cut upload to the county ended well: %s", out);
	free(out);
	ck_assert_int_eq(site(KS, &out, "referral", "list", "--all", NULL), 0);
	ck_assert_msg(strstr(out, child) == NULL, "the county took part of a cut file: %s", out);
	free(out);
	rc = town_to_county("--up", "down 300", &out);
	ck_assert_msg(rc != 0, "a cut answer from the county ended well: %s", out);
	free(out);
	rc = town_to_county("--up", NULL, &out);
	if (rc != 0)
		sshd_show_log();
	ck_assert_msg(rc == 0 && strstr(out, "referrals escalated to the county") != NULL,
		      "sync --up to the county after the cuts: %d: %s", rc, out);
	free(out);
	ck_assert_int_eq(site(KS, &out, "referral", "list", NULL), 0);
	ck_assert_msg(lines_with(out, child) == 1, "the county's inbox lacks %s once: %s", child,
		      out);
	free(out);
	rc = site(KS, &out, "referral", "show", child, NULL);
	ck_assert_msg(rc == 0 && strstr(out, "Status: Submitted") != NULL &&
			      strstr(out, "Reason for referral: 需县级照护床位") != NULL,
		      "the referral on the county's server: %s", out);
	free(out);
	rc = site(KS, &out, "show", res, NULL);
	ck_assert_msg(rc == 0 && strstr(out, "孙𠈌福") != NULL,
		      "the county cannot read the person it carries: %s", out);
	free(out);

	/* the township's figures to the county, cut once */
	rc = town_to_county("--county", "up 60", &out);
	ck_assert_msg(rc != 0, "cut figures were taken: %s", out);
	free(out);
	/* sync --up above carried the figures already: a file made in a
	 * later second replaces them, one made in the same second (a fast
	 * machine) is the same figures and changes nothing */
	rc = town_to_county("--county", NULL, &out);
	ck_assert_msg(rc == 0 && (strstr(out, "keeps the township's figures") != NULL ||
				  strstr(out, "has these figures already") != NULL),
		      "sync --county: %d: %s", rc, out);
	free(out);
	rc = site(KS, &out, "sync", "--figures", NULL);
	ck_assert_msg(rc == 0 && strstr(out, TOWNSHIP "\t" VILLAGE "\t") != NULL,
		      "the county holds no figures of 安宁村: %d: %s", rc, out);
	free(out);

	/* the county works it */
	rc = site(KS, &out, "referral", "accept", child, NULL);
	ck_assert_msg(rc == 0, "the county's accept: %s", out);
	free(out);
	rc = site(KS, &out, "referral", "resolve", child, "--outcome", "success", "--feedback",
		  "县社会福利院已安排床位", NULL);
	ck_assert_msg(rc == 0, "the county's resolve: %s", out);
	free(out);

	/* county -> city: cut, nothing kept; whole; again, nothing doubled */
	rc = county_to_city("up 60", &out);
	ck_assert_msg(rc != 0, "the county's figures cut short were taken: %s", out);
	free(out);
	ck_assert_int_eq(site(YS, &out, "sync", "--figures", NULL), 0);
	ck_assert_msg(strstr(out, COUNTY "\t") == NULL, "the city kept cut figures: %s", out);
	free(out);
	rc = county_to_city(NULL, &out);
	if (rc != 0)
		sshd_show_log();
	ck_assert_msg(rc == 0 && strstr(out, "The city server keeps the county's figures") != NULL,
		      "sync --up from the county to the city: %d: %s", rc, out);
	free(out);
	char *fig1;
	ck_assert_int_eq(site(YS, &fig1, "sync", "--figures", NULL), 0);
	rc = county_to_city(NULL, &out);
	ck_assert_msg(rc == 0, "sync --up to the city again: %d: %s", rc, out);
	free(out);
	ck_assert_int_eq(site(YS, &out, "sync", "--figures", NULL), 0);
	ck_assert_msg(strcmp(figures_rows(out), figures_rows(fig1)) == 0 &&
			      strstr(out, COUNTY "\t" VILLAGE "\t") != NULL,
		      "the city's figures (before: %s) after: %s", fig1, out);
	free(out);
	free(fig1);
	rc = site(YS, &out, "report", NULL);
	ck_assert_msg(rc == 0 && strstr(out, "安宁村 (figures of ") != NULL &&
			      strstr(out, "米易县 subtotal (figures of ") != NULL,
		      "the city's report lacks 米易县's villages and subtotal: %d: %s", rc, out);
	free(out);

	/* the county's answer down to the township: cut, then whole */
	rc = town_to_county("--up", "down 500", &out);
	ck_assert_msg(rc != 0, "a cut answer ended well: %s", out);
	free(out);
	rc = twp(srv.login[TW], &out, "referral", "show", child, NULL);
	ck_assert_msg(rc == 0 && strstr(out, "Status: Submitted") != NULL,
		      "the township took part of a cut answer: %s", out);
	free(out);
	rc = town_to_county("--up", NULL, &out);
	ck_assert_msg(rc == 0 && strstr(out, "The county's answers from") != NULL,
		      "the county's answer: %d: %s", rc, out);
	free(out);
	rc = twp(srv.login[TW], &show, "referral", "show", child, NULL);
	steps = steps_of(show);
	ck_assert_msg(rc == 0 && strstr(show, "Status: Resolved") != NULL &&
			      strstr(show, "Feedback to the village: 县社会福利院已安排床位") != NULL &&
			      strcmp(steps, "Created Submit Accept Resolve ") == 0,
		      "the township's copy (history \"%s\"): %s", steps, show);
	free(show);
	free(steps);
	rc = site(KS, &show, "referral", "show", child, NULL);
	steps = steps_of(show);
	ck_assert_msg(rc == 0 && strcmp(steps, "Created Submit Accept Resolve ") == 0,
		      "the county's history \"%s\": %s", steps, show);
	free(show);
	free(steps);

	/* a run more: nothing new, nothing doubled */
	char *tb, *cb;
	ck_assert_int_eq(twp(srv.login[TW], &tb, "referral", "list", "--all", NULL), 0);
	ck_assert_int_eq(site(KS, &cb, "referral", "list", "--all", NULL), 0);
	rc = town_to_county("--up", NULL, &out);
	ck_assert_msg(rc == 0 && strstr(out, "nothing new") != NULL, "a run more: %d: %s", rc, out);
	free(out);
	ck_assert_int_eq(twp(srv.login[TW], &out, "referral", "list", "--all", NULL), 0);
	ck_assert_msg(strcmp(tb, out) == 0 && lines_with(out, child) == 1,
		      "the township changed:\n%s\nthen\n%s", tb, out);
	free(out);
	ck_assert_int_eq(site(KS, &out, "referral", "list", "--all", NULL), 0);
	ck_assert_msg(strcmp(cb, out) == 0 && lines_with(out, child) == 1,
		      "the county changed:\n%s\nthen\n%s", cb, out);
	free(out);
	free(tb);
	free(cb);

	/* the township resolves the original; the village's next sync, cut
	 * coming down, then whole, shows the county's feedback */
	rc = twp(srv.login[TW], &out, "referral", "resolve", ref, "--outcome", "success",
		 "--feedback", "县社会福利院已安排床位", NULL);
	ck_assert_msg(rc == 0, "the township's resolve: %s", out);
	free(out);
	rc = sync_run("down 300", &out);
	ck_assert_msg(rc != 0, "a cut village exchange ended well: %s", out);
	free(out);
	free(sync_ok("the answer down to the village after a cut"));
	rc = vpc(&show, "referral", "show", ref, NULL);
	steps = steps_of(show);
	ck_assert_msg(rc == 0 && strstr(show, "Status: Resolved") != NULL &&
			      strstr(show, "Feedback to the village: 县社会福利院已安排床位") != NULL &&
			      strcmp(steps, "Created Submit Accept Escalate Resolve ") == 0,
		      "the village's referral (history \"%s\"): %s", steps, show);
	free(show);
	free(steps);
	rc = twp(srv.login[TW], &show, "referral", "show", ref, NULL);
	steps = steps_of(show);
	ck_assert_msg(rc == 0 && strcmp(steps, "Created Submit Accept Escalate Resolve ") == 0,
		      "the township's history of %s \"%s\": %s", ref, steps, show);
	free(show);
	free(steps);
	ck_assert_int_eq(vpc(&out, "referral", "list", "--all", NULL), 0);
	ck_assert_msg(lines_with(out, ref) == 1, "the village lists %s %d times: %s", ref,
		      lines_with(out, ref), out);
	free(out);
	free(ref);
	free(res);
	fprintf(stderr, "test 12: four databases in %lld ms\n", sshd_now_ms() - t0);
	/* the township and the village PC as they were: tests 9 to 11 make
	 * the township's server stand in for a county's and a city's */
	snapshot(true);
}
END_TEST

int
main(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "check-syncssh: skipped: it makes groups and accounts, so only root "
			"runs it\n");
		return 77;
	}
	const char *tools[] = {SSHD, SSH, SSH_KEYGEN, USERADD, USERDEL, GROUPDEL, SETPRIV,
			       "/usr/bin/head"};
	for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++) {
		if (access(tools[i], X_OK) != 0) {
			fprintf(stderr, "check-syncssh: skipped: %s is missing (openssh-server, "
				"openssh-client, passwd, util-linux, coreutils)\n", tools[i]);
			return 77;
		}
	}
	Suite *s = suite_create("syncssh");
	TCase *tc = tcase_create("syncssh");
	tcase_add_unchecked_fixture(tc, server_setup, sshd_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_1_join);
	tcase_add_test(tc, test_2_referral_up);
	tcase_add_test(tc, test_3_both_ways);
	tcase_add_test(tc, test_4_cut);
	tcase_add_test(tc, test_5_nothing_new);
	tcase_add_test(tc, test_6_audit);
	tcase_add_test(tc, test_7_both_change_one_referral);
	tcase_add_test(tc, test_8_forged_over_ssh);
	tcase_add_test(tc, test_12_four_databases);
	tcase_add_test(tc, test_9_figures_over_ssh);
	tcase_add_test(tc, test_10_referrals_over_ssh);
	tcase_add_test(tc, test_11_county_to_city);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
