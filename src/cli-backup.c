/* cli-backup.c: the verbs `backup` (a compacted, consistent copy of the
 * database in one file, taken while others keep working) and `restore`
 * (a backup checked, then put in place of the database when nobody has
 * it open, the old data kept beside it).  Both are for administrators:
 * a backup holds everyone's personal data.  A backup is logged in the
 * audit trail before the copy is taken, so the copy holds its own entry;
 * a restore is logged in the restored database. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "cli-internal.h"
#include "util.h"
#include "i18n.h"
#include "paths.h"
#include "record.h"

static double
seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static double
mib(uint64_t bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

/* "1234 records: org unit 3, worker 20, ...", and the audit trail's
 * length when asked. */
static void
say_census(const struct store_census *cen, bool audit)
{
	say(stdout, _("  %zu records:"), cen->records);
	const char *sep = " ";
	for (int kind = 1; kind < 256; kind++) {
		if (!cen->by_kind[kind])
			continue;
		say(stdout, "%s%s %zu", sep, rec_kind_label(kind), cen->by_kind[kind]);
		sep = ", ";
	}
	say(stdout, "\n");
	if (audit)
		say(stdout, _("  Audit trail: %llu entries.\n"), (unsigned long long)cen->audit_entries);
}

static int
cmd_backup(struct cli *c, const struct args *a)
{
	if (a->noperands != 1 || !*a->operands[0])
		return usage_error("%s", _("backup needs one file to write, e.g. "
		                           "/var/backups/shegong/2026-03-01.shegong"));
	const char *path = a->operands[0];
	if (!scope_is_admin(c->scope)) {
		say(stderr, _("shegong: only an administrator makes backups (a backup holds everyone's "
		              "personal data); %s is not one.\n"), c->login);
		return 1;
	}
	store *st;
	int rc = open_db_write(c, &st);
	if (rc)
		return rc;
	/* logged first, so that the copy holds its own entry */
	char *note = NULL;
	int err = asprintf(&note, "backup to %s", path) < 0 ? STORE_NOMEM : 0;
	if (!err)
		err = audit_log_now(st, "backup", NULL, note);
	free(note);
	struct store_backup_info info;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!err)
		err = store_backup(st, path, &info);
	double secs = seconds_since(&t0);
	store_close(st);
	if (err == STORE_BADPATH || err == STORE_PERM || err == STORE_NODB) {
		say(stderr, "shegong: %s\n  (%s)\n",
		    err == STORE_NODB   ? _("The folder for the backup does not exist: make it first.")
		    : err == STORE_PERM ? _("Your account may not write there: give a file in a "
		                            "folder of your own, or on a USB stick.")
		                        : store_strerror(err), path);
		return 1;
	}
	if (err)
		return store_error(c, err);
	say(stdout, _("Backup written: %s\n"), path);
	say_census(&info.census, true);
	say(stdout, _("  %.2f MiB (the database file: %.2f MiB), in %.2f s.\n"), mib(info.bytes),
	    mib(info.live_bytes), secs);
	return 0;
}

struct findings {
	size_t n;
};

static void
finding(const char *msg, void *ctx)
{
	struct findings *f = ctx;
	f->n++;
	say(stdout, "  %s\n", msg);
}

/* What `shegong check` checks of a database (records and indexes, the
 * audit trail) and what a backup must hold to be of use (kept counts
 * that agree, units and accounts): one line each, the number found. */
static int
check_db(store *st, struct store_census *cen, size_t *problems)
{
	struct findings f = {0};
	size_t faults = 0, entries = 0;
	uint64_t bad = 0;
	char why[512];
	*problems = 0;
	int err = store_verify(st, false, &faults, finding, &f);
	if (!err)
		err = audit_verify(st, &entries, &bad, why, sizeof why);
	if (!err)
		err = store_census(st, cen);
	if (err)
		return err;
	*problems = faults;
	if (faults)
		say(stdout, _("  Index faults: %zu.\n"), faults);
	else
		say(stdout, "  %s\n", _("Every index entry matches its record and every record is "
		                         "indexed."));
	if (bad) {
		say(stdout, _("  Audit trail: %zu entries.\n  %s\n"), entries, why);
		(*problems)++;
	} else {
		say(stdout, _("  Audit trail: %zu entries, whole.\n"), entries);
	}
	if (cen->miscounted) {
		say(stdout, _("  The kept counts of %zu kinds of record disagree with the records.\n"),
		    cen->miscounted);
		(*problems)++;
	}
	if (!cen->by_kind[REC_UNIT] || !cen->by_kind[REC_USER]) {
		say(stdout, "  %s\n", _("It holds no org units or no workers' accounts: nobody could "
		                         "use it."));
		(*problems)++;
	}
	return 0;
}

/* Who may restore: an administrator of the database there; when there
 * is none that opens (a new computer, or one damaged beyond opening),
 * whoever may write the folder, except that a setgid run (a township
 * server's workers) leaves that to root. */
static bool
may_restore(struct cli *c)
{
	/* a setgid run has given the data group up before it reads the
	 * backup a person names, so it cannot replace the files: root does */
	if (paths_privileged() && getuid() != 0) {
		say(stderr, "%s\n", _("shegong: on this server only root restores a backup. Ask "
		                      "the administrator to run \"shegong restore FILE\" as root."));
		return false;
	}
	if (c->scope && scope_is_admin(c->scope))
		return true;
	if (c->scope) {
		say(stderr, _("shegong: only an administrator restores a backup; %s is not one.\n"),
		    c->login);
		return false;
	}
	return true;
}

static int
say_in_use(struct cli *c)
{
	say(stderr, "shegong: %s\n  (%s: %s)\n", store_strerror(STORE_INUSE), _("database"),
	    c->dbdir);
	say(stderr, "%s\n", _("  On a township server, \"pgrep -a shegong\" lists the programs "
	                      "still running; each worker quits with F10."));
	return 1;
}

static int
cmd_restore(struct cli *c, const struct args *a)
{
	if (args_count(a, "--db"))
		return usage_error("%s", _("restore: --db goes before the command: "
		                           "shegong --db DIR restore FILE"));
	if (a->noperands != 1 || !*a->operands[0])
		return usage_error("%s", _("restore needs the backup file to restore from"));
	const char *path = a->operands[0];
	if (!may_restore(c))
		return 1;
	struct stat sb;
	if (stat(path, &sb) < 0) {
		say(stderr, _("shegong: there is no backup file %s.\n"), path);
		return 1;
	}
	bool busy;
	int err = store_in_use(c->dbdir, &busy);
	if (err)
		return store_error(c, err);
	if (busy)
		return say_in_use(c);

	char *staged;
	bool made_dir;
	err = store_restore_stage(path, c->dbdir, &staged, &made_dir);
	if (err == STORE_BADBACKUP || err == STORE_NEWER) {
		say(stderr, "shegong: %s\n  (%s)\n", store_strerror(err), path);
		return 1;
	}
	if (err)
		return store_error(c, err);
	say(stdout, _("Checking the backup %s:\n"), path);
	store *bk;
	struct store_census cen;
	size_t problems = 0;
	err = store_open(&bk, staged, STORE_FILE);
	if (!err) {
		err = check_db(bk, &cen, &problems);
		store_close(bk);
	}
	if (err || problems) {
		unlink(staged);
		free(staged);
		if (made_dir)
			rmdir(c->dbdir);
		if (err == STORE_BADBACKUP || err == STORE_NOTDB || err == STORE_NEWER ||
		    err == STORE_CORRUPT) {
			say(stderr, "shegong: %s\n  (%s)\n", store_strerror(err), path);
			return 1;
		}
		if (err)
			return store_error(c, err);
		say(stderr, _("shegong: the backup %s has the faults above, so it was not restored. "
		              "Nothing was changed; use another backup.\n"), path);
		return 1;
	}
	say_census(&cen, false);

	char *kept = NULL;
	err = store_restore_commit(c->dbdir, staged, &kept);
	if (err) {
		unlink(staged);
		free(staged);
		if (made_dir)
			rmdir(c->dbdir);
		return err == STORE_INUSE ? say_in_use(c) : store_error(c, err);
	}
	free(staged);
	say(stdout, _("Restored into %s.\n"), c->dbdir);
	if (kept)
		say(stdout, _("  The data from before the restore is kept as %s: delete it once all "
		              "is well.\n"), kept);

	/* logged in the restored database, then checked as `shegong check` does */
	say(stdout, "%s\n", _("Checking the restored database:"));
	store *st;
	err = store_open(&st, c->dbdir, 0);
	if (!err) {
		audit_attach(st);
		store_set_user(st, c->login);
		char *note = NULL;
		if (asprintf(&note, "restore from %s%s%s", path, kept ? "; before kept as " : "",
		             kept ? strrchr(kept, '/') + 1 : "") < 0)
			err = STORE_NOMEM;
		else
			err = audit_log_now(st, "restore", NULL, note);
		free(note);
		if (!err)
			err = check_db(st, &cen, &problems);
		store_close(st);
	}
	free(kept);
	if (err)
		return store_error(c, err);
	if (problems) {
		say(stdout, _("Problems found: %zu. Run \"shegong check\" for the details.\n"),
		    problems);
		return 1;
	}
	say(stdout, "%s\n", _("The restored database is whole."));
	return 0;
}

const struct cli_command cli_cmd_backup = {
	"backup", cmd_backup, NULL, CMD_DB | CMD_ACCOUNT | CMD_WRITES,
	N_("backup FILE"),
	N_("Administrators: copy the database into one file while others keep working: a "
	    "consistent, compacted copy, written as FILE.tmp, flushed to the disk, then renamed "
	    "to FILE, so a backup cut short never has the final name. Prints the records copied "
	    "and the size. Logged in the audit trail (the copy holds its own entry)."),
	NULL,
};

/* --db is known here only to say where it goes */
static const struct args_opt restore_opts[] = {
	{"--db", 0}, {NULL, 0},
};

const struct cli_command cli_cmd_restore = {
	"restore", cmd_restore, restore_opts, CMD_DB | CMD_ACCOUNT | CMD_WRITES,
	N_("restore FILE"),
	N_("Administrators (root on a computer with no database yet, and always on a township "
	    "server whose program is setgid): check the backup FILE "
	    "(whole, not of a newer version, indexes and audit trail whole), then put it in place "
	    "of the database, only when no program has the database open; the data before is "
	    "kept beside it as data.mdb.before-restore-DATE. The restored database is checked "
	    "as \"shegong check\" does. A damaged or cut short file is refused and nothing is "
	    "changed."),
	NULL,
};
