/* paths.c: the default places of the database, the demo, the forms and
 * the translations, and the login name; what the environment may change
 * of them when the program runs setgid (a township install). */
#include "config.h"

#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paths.h"

bool
paths_privileged(void)
{
	/* AT_SECURE: the kernel's word that this run was started setgid or
	 * setuid (what secure_getenv follows); the ids, should the program
	 * have been started some other way with them apart */
	return getauxval(AT_SECURE) != 0 || getegid() != getgid() || geteuid() != getuid();
}

/* Whether dir is an absolute path without symbolic links or "." and ".."
 * whose every folder belongs to root and can be changed by nobody else:
 * a sticky folder (/tmp) is allowed on the way, where nobody can replace
 * another's folder, but not as dir itself, where anyone could add files. */
static bool
dir_root_only(const char *dir)
{
	char real[PATH_MAX];
	if (dir[0] != '/' || !realpath(dir, real) || strcmp(real, dir) != 0)
		return false;
	size_t len = strlen(real);
	for (size_t end = 1; end <= len; end++) {
		if (end < len && real[end] != '/')
			continue;
		char part[PATH_MAX];
		memcpy(part, real, end);
		part[end] = '\0';
		struct stat st;
		if (lstat(part, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0)
			return false;
		bool last = end == len;
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) && (last || !(st.st_mode & S_ISVTX)))
			return false;
	}
	/* "/" itself, which the loop sees only when dir is "/" */
	struct stat st;
	return lstat("/", &st) == 0 && st.st_uid == 0 && !(st.st_mode & (S_IWGRP | S_IWOTH));
}

/* A folder named by the environment variable name, or NULL.  A setgid run
 * is started by a worker who must not steer it: secure_getenv gives
 * nothing then, and only a folder that root alone controls is followed
 * (a township trying forms out, the tests), never one the worker could
 * fill with forms or catalogues of their own. */
static const char *
env_dir(const char *name)
{
	const char *v = secure_getenv(name);
	if (v && *v)
		return v;
	if (!paths_privileged())
		return NULL;
	v = getenv(name);
	return v && *v && dir_root_only(v) ? v : NULL;
}

static char *
data_home_join(const char *leaf)
{
	/* secure_getenv: a setgid run takes the home of the real user's
	 * account, not what the environment claims */
	const char *xdg = secure_getenv("XDG_DATA_HOME");
	const char *home = secure_getenv("HOME");
	char *out = NULL;
	int n;
	if (xdg && *xdg == '/')
		n = asprintf(&out, "%s/shegong/%s", xdg, leaf);
	else if (home && *home)
		n = asprintf(&out, "%s/.local/share/shegong/%s", home, leaf);
	else {
		struct passwd *pw = getpwuid(getuid());
		n = asprintf(&out, "%s/.local/share/shegong/%s", pw ? pw->pw_dir : "/tmp", leaf);
	}
	return n < 0 ? NULL : out;
}

char *
paths_db(const char *opt)
{
	if (opt && *opt)
		return strdup(opt);
	const char *env = secure_getenv("SHEGONG_DB");
	if (env && *env)
		return strdup(env);
	return data_home_join("db");
}

char *
paths_demo_db(const char *opt)
{
	if (opt && *opt)
		return strdup(opt);
	return data_home_join("demo");
}

char *
paths_login(void)
{
	/* the real uid's account: never $USER or $LOGNAME, which a worker
	 * sets as they like, and not the effective ids of a setgid run */
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return strdup(pw->pw_name);
	char *out;
	return asprintf(&out, "uid%ld", (long)getuid()) < 0 ? NULL : out;
}

static char *db_forms;

void
paths_use_db_forms(const char *dbdir)
{
	free(db_forms);
	db_forms = NULL;
	if (!dbdir || paths_privileged())
		return;
	char *dir = NULL, *choices = NULL;
	struct stat sb;
	if (asprintf(&dir, "%s/forms", dbdir) >= 0 && asprintf(&choices, "%s/choices", dir) >= 0 &&
	    stat(choices, &sb) == 0 && S_ISREG(sb.st_mode)) {
		db_forms = dir;
		dir = NULL;
	}
	free(dir);
	free(choices);
}

bool
paths_is_db_forms(const char *dir)
{
	return db_forms && dir && strcmp(dir, db_forms) == 0;
}

char *
paths_cache(void)
{
	if (paths_privileged())
		return NULL;
	const char *xdg = secure_getenv("XDG_CACHE_HOME");
	const char *home = secure_getenv("HOME");
	char *out = NULL;
	int n;
	if (xdg && *xdg == '/')
		n = asprintf(&out, "%s/shegong", xdg);
	else if (home && *home == '/')
		n = asprintf(&out, "%s/.cache/shegong", home);
	else {
		struct passwd *pw = getpwuid(getuid());
		if (!pw || !pw->pw_dir || pw->pw_dir[0] != '/')
			return NULL;
		n = asprintf(&out, "%s/.cache/shegong", pw->pw_dir);
	}
	return n < 0 ? NULL : out;
}

const char *
paths_forms(void)
{
	if (db_forms)
		return db_forms;
	const char *dir = env_dir("SHEGONG_FORMSDIR");
	return dir ? dir : PKGDATADIR "/forms";
}

const char *
paths_locale(void)
{
	const char *dir = env_dir("SHEGONG_LOCALEDIR");
	return dir ? dir : LOCALEDIR;
}

void
paths_scrub_env(void)
{
	/* ncurses follows these once the ids agree (after paths_drop_group):
	 * a worker's own terminal description is a parser's input nobody
	 * checked.  The installed ones stay. */
	static const char *const names[] = {"TERMINFO", "TERMINFO_DIRS", "TERMCAP"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		unsetenv(names[i]);
}

int
paths_drop_group(void)
{
	gid_t rgid = getgid(), r, e, s;
	if (setresgid(rgid, rgid, rgid) != 0)
		return errno ? errno : EPERM;
	/* never back: the saved id is gone too, which getresgid confirms,
	 * and asking for the group again must fail (unless the real group
	 * is it: root, or a member started the program) */
	if (getresgid(&r, &e, &s) != 0 || r != rgid || e != rgid || s != rgid)
		return EPERM;
	/* not dumpable: the worker may not trace the program or reach the
	 * database's open descriptors through /proc (the kernel keeps a
	 * setgid run so; say it again after the change of ids) */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	/* the database's descriptors stay in this process only: ssh (sync
	 * HOST) and anything else started from here gets none of them */
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 4096)
		max = 4096;
	for (int fd = 3; fd < max; fd++) {
		int fl = fcntl(fd, F_GETFD);
		if (fl >= 0 && !(fl & FD_CLOEXEC))
			fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
	}
	return 0;
}
