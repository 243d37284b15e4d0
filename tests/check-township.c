/* check-township.c: a township server as tools/township-setup.sh makes it,
 * for real: as root, the script makes the groups, the data folder, a
 * setgid copy of the program, the database and two (three) worker login
 * accounts, and writes the sshd Match/ForceCommand file, which an sshd
 * started on 127.0.0.1 includes.  Workers log in with SSH keys and get the
 * program and nothing else, on a UTF-8 and a GB18030 terminal, with no
 * LANG; they cannot read the data but the program writes it; files one
 * worker's session makes stay the group's, so the next worker can work;
 * a dropped link mid-form leaves a draft that the next login offers back;
 * the login is the real uid's; the environment does not steer the setgid
 * program; a removed worker is locked out; a file the program saves in a
 * worker's files folder comes home with the real sftp on the files port,
 * shut in that folder, and nothing of the data or of another worker's
 * folder does; the print dialog over SSH saves there, or says what to ask
 * the administrator when add-worker made no folder.  Skipped (77) when
 * not root. */
#include "config.h"

#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sshd.h"
#include "screen.h"

#define USERADD "/usr/sbin/useradd"
#define USERDEL "/usr/sbin/userdel"
#define GROUPDEL "/usr/sbin/groupdel"
#define SETPRIV "/usr/bin/setpriv"
#define SFTP "/usr/bin/sftp"
#define PACKAGES "openssh-server, openssh-client, passwd and util-linux " \
	"(Debian: apt-get install openssh-server openssh-client passwd util-linux)"
#ifndef SETUP_SCRIPT
#error "SETUP_SCRIPT: the path of tools/township-setup.sh"
#endif

#define WAIT_MS 15000      /* a screen text to show */
#define GONE_MS 10000      /* the server's program to end after the hang-up */

#define COUNTY "510421"
#define VILLAGE "510421100001"

/* Worker 0 works on a UTF-8 terminal, worker 1 on a GB18030 one (their
 * accounts say so); worker 2 is removed by a test. */
#define NWORKERS 3
static const struct {
	const char *suffix, *name, *encoding;
	char *env[4];   /* the ssh client's: no LANG reaches the server */
} workers[NWORKERS] = {
	{"a", "张工", "UTF-8", {"LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8", "LANGUAGE", NULL}},
	{"b", "李工", "GB18030", {"LANG=zh_CN.GB18030", "LC_ALL=zh_CN.GB18030", "LANGUAGE", NULL}},
	{"c", "王工", "UTF-8", {"LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8", "LANGUAGE", NULL}},
};

/* The server, made once per test case by the unchecked fixture in Check's
 * parent process and inherited by every forked test (sshd.h: only the
 * parent can be trusted to stop sshd and remove the accounts, groups and
 * folder, since a failed test in a forked child runs neither teardown nor
 * atexit); sshd.dir holds everything of the test. */
static struct {
	struct sshd_township tw;
	char group[32], wgroup[32];
	char login[NWORKERS][32];
} srv;

/* --- small helpers ---------------------------------------------------- */

static bool
write_file(const char *path, const char *text)
{
	return sshd_write_file(path, text, 0);
}

/* The environment of the program's own runs in the tests: the copies of
 * the forms and catalogues that root alone controls (followed by a setgid
 * run), and a UTF-8 locale. */
static char **
program_env(void)
{
	static char forms[PATH_MAX + 64], locale[PATH_MAX + 64];
	static char *env[8];
	size_t n = 0;
	snprintf(forms, sizeof forms, "SHEGONG_FORMSDIR=%s", srv.tw.forms);
	snprintf(locale, sizeof locale, "SHEGONG_LOCALEDIR=%s", srv.tw.locale);
	env[n++] = forms;
	env[n++] = locale;
	env[n++] = "LC_ALL=C.UTF-8";
	env[n] = NULL;
	return env;
}

/* The setup script, its output in the log. */
static int
script(char *const args[])
{
	return sshd_script(SETUP_SCRIPT, program_env(), args);
}

/* No ck_assert here: this runs in Check's parent, where a failed assertion
 * has no test to fail.  A fault is kept in sshd.error for each test. */
static void
server_setup(void)
{
	memset(&srv, 0, sizeof srv);
	umask(022);   /* what a login usually has: the program must not rely on it */
	const char *tools[] = {SSHD, SSH, SSH_KEYGEN, SFTP, USERADD, USERDEL, GROUPDEL, SETPRIV};
	if (!sshd_have(tools, sizeof tools / sizeof tools[0], PACKAGES))
		return;
	long pid = (long)getpid();
	snprintf(srv.group, sizeof srv.group, "sgt%ldg", pid);
	snprintf(srv.wgroup, sizeof srv.wgroup, "sgt%ldw", pid);
	for (int i = 0; i < NWORKERS; i++)
		snprintf(srv.login[i], sizeof srv.login[i], "sgt%ld%s", pid, workers[i].suffix);
	/* names free now: then whatever has them later is this test's */
	const char *const groups[] = {srv.group, srv.wgroup, NULL};
	const char *const logins[] = {srv.login[0], srv.login[1], srv.login[2], NULL};
	if (!sshd_names_free(groups, logins))
		return;
	srv.tw.files_port = sshd_free_port();   /* SFTP into the files folders */
	if (srv.tw.files_port <= 0) {
		sshd_error("no free port on 127.0.0.1 for SFTP");
		return;
	}
	if (!sshd_township_init(&srv.tw, "shegong-township", srv.group, srv.wgroup, script))
		return;
	char rootkey[PATH_MAX + 32];
	snprintf(rootkey, sizeof rootkey, "%s/root", srv.tw.keys);
	char *cpk[] = {"/bin/cp", sshd.pub, rootkey, NULL};
	if (sshd_run(NULL, NULL, cpk, NULL) != 0) {
		sshd_error("cannot copy %s to %s", sshd.pub, rootkey);
		return;
	}

	/* the workers, with the client's key */
	static const char *const encodings[NWORKERS] = {"utf-8", "gb18030", "utf-8"};
	for (int i = 0; i < NWORKERS; i++) {
		char *add[] = {"add-worker", srv.login[i], "--role", "village", "--unit", VILLAGE,
			       "--name", (char *)workers[i].name, "--encoding",
			       (char *)encodings[i], "--key", sshd.pub, "--data", srv.tw.data, NULL};
		int rc = script(add);
		sshd_own_login(srv.login[i]);
		if (rc != 0) {
			sshd_error("township-setup.sh add-worker %s failed with status %d (see the "
				   "log)", srv.login[i], rc);
			return;
		}
	}

	/* sshd with the script's file (sshd.h) */
	sshd_start_township(&srv.tw, 22022);
}

/* --- the client --------------------------------------------------------- */

static void
need_server(void)
{
	sshd_need();
}

/* Worker w logs in on their own terminal, as PuTTY does: no command, no
 * LANG sent; sshd's ForceCommand must start the program. */
static vt *
login(int w)
{
	char *argv[SSHD_ARGV], port[16], dest[300];
	sshd_ssh_argv(argv, port, dest, srv.login[w], true, NULL, NULL);
	vt *t = vt_spawn(argv, workers[w].env, 24, 80, workers[w].encoding);
	ck_assert_msg(t != NULL, "cannot start %s", SSH);
	return t;
}

/* login runs command without a terminal; its exit status, output in *out. */
static int
ssh_command(const char *login, const char *command, char **out)
{
	char *argv[SSHD_ARGV], port[16], dest[300];
	sshd_ssh_argv(argv, port, dest, login, false, NULL, command);
	return sshd_run(NULL, NULL, argv, out);
}

/* A new resident registered in the residents list and saved. */
static void
register_resident(vt *t, const char *name, const char *idnum)
{
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, name);
	keys(t, KEY_TAB);
	type(t, idnum);
	keys(t, KEY_F2);
	expect(t, "已登记");
	expect(t, name);
}

/* On a menu, the choice whose line shows label, by its key. */
static void
choose(vt *t, const char *label)
{
	expect(t, label);
	for (int row = 0; row < 24; row++) {
		/* a choice's line: " K  志愿者" */
		const char *line = vt_row(t, row), *at = strstr(line, label), *key = NULL;
		for (const char *c = line; at && c + 3 < at; c++)
			if (c[0] == ' ' && isalnum((unsigned char)c[1]) && c[2] == ' ' && c[3] == ' ')
				key = c + 1;
		if (key) {
			char k[2] = {*key, '\0'};
			type(t, k);
			return;
		}
	}
	ck_abort_msg("no menu line for %s", label);
}

/* The program as root (the database's administrator) on the database;
 * its exit status, its output in *out. */
static int
as_admin(char **out, const char *verb, const char *a1, const char *a2, const char *a3)
{
	char *argv[] = {srv.tw.bin, "--db", srv.tw.db, (char *)verb, (char *)a1, (char *)a2,
			(char *)a3, NULL};
	return sshd_run(NULL, program_env(), argv, out);
}

/* The record id of the resident found by name (the first column of find). */
static char *
resident_id(const char *name)
{
	char *out;
	int rc = as_admin(&out, "find", "resident", name, NULL);
	ck_assert_msg(rc == 0, "find resident %s: status %d: %s", name, rc, out);
	ck_assert_msg(strstr(out, name) != NULL, "%s was not saved: find says: %s", name, out);
	char *tab = strchr(out, '\t');
	ck_assert_ptr_nonnull(tab);
	*tab = '\0';
	return out;
}

/* The pid of a process with an argument exactly arg, or 0.  Zombies have
 * no arguments: a program that has exited but is not reaped counts as
 * ended. */
static pid_t
process_with_arg(const char *arg)
{
	DIR *d = opendir("/proc");
	ck_assert_msg(d != NULL, "/proc: %s", strerror(errno));
	pid_t found = 0;
	struct dirent *e;
	static char buf[65536];

	while (found == 0 && (e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end != '\0' || pid <= 0 || pid == (long)getpid())
			continue;
		char path[64];
		snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
		int fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		size_t len = 0;
		ssize_t n;
		while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
			len += (size_t)n;
		close(fd);
		buf[len] = '\0';
		for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
			if (strcmp(buf + i, arg) == 0) {
				found = (pid_t)pid;
				break;
			}
		}
	}
	closedir(d);
	return found;
}

/* Wait until no program runs on the test's database (sessions ended). */
static void
programs_gone(void)
{
	long long deadline = sshd_now_ms() + GONE_MS;
	pid_t left;
	while ((left = process_with_arg(srv.tw.db)) != 0 && sshd_now_ms() < deadline)
		sshd_sleep_ms(50);
	if (left != 0) {
		sshd_show_log();
		kill(left, SIGKILL);
		ck_abort_msg("a program on the server (pid %ld) still runs %d s after its session "
			     "ended", (long)left, GONE_MS / 1000);
	}
}

static bool
in_group(const char *login, gid_t gid)
{
	struct passwd *pw = getpwnam(login);
	ck_assert_ptr_nonnull(pw);
	gid_t groups[256];
	int n = 256;
	ck_assert_int_ge(getgrouplist(login, pw->pw_gid, groups, &n), 0);
	for (int i = 0; i < n; i++)
		if (groups[i] == gid)
			return true;
	return false;
}

static char *
read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	char *buf = calloc(1, 65536);
	ck_assert_ptr_nonnull(buf);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* path's owner, group and mode, (uid_t)-1 and (gid_t)-1 for any. */
static void
check_mode(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
	struct stat st;
	ck_assert_msg(lstat(path, &st) == 0 && S_ISDIR(st.st_mode), "%s: not a folder", path);
	ck_assert_msg((uid == (uid_t)-1 || st.st_uid == uid) &&
		      (gid == (gid_t)-1 || st.st_gid == gid) && (st.st_mode & 07777) == mode,
		      "%s is %ld:%ld mode %o, not %ld:%ld mode %o", path, (long)st.st_uid,
		      (long)st.st_gid, (unsigned)(st.st_mode & 07777), (long)uid, (long)gid,
		      (unsigned)mode);
}

/* login runs the real sftp client with the test's key on port, the
 * commands (one a line) in batch mode, which stops at the first that
 * fails; its exit status, its output in *out. */
static int
sftp_batch(const char *login, int port, const char *commands, char **out)
{
	char batch[PATH_MAX + 32], portstr[16], dest[300];
	snprintf(batch, sizeof batch, "%s/sftp-batch", sshd.dir);
	ck_assert(write_file(batch, commands));
	snprintf(portstr, sizeof portstr, "%d", port);
	snprintf(dest, sizeof dest, "%s@127.0.0.1", login);
	char *argv[] = {SFTP, "-b", batch, "-F", "/dev/null", "-P", portstr, "-i", sshd.key,
			"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
			"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
			"-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
			"-o", "ConnectTimeout=10", "-o", "ControlMaster=no", "-o", "ControlPath=none",
			dest, NULL};
	return sshd_run(NULL, NULL, argv, out);
}

/* --- the tests ------------------------------------------------------------ */

/* What the script made, and that running it again changes nothing. */
START_TEST(test_setup_made)
{
	need_server();
	/* getgrnam's answer is overwritten by the next call: keep the ids */
	struct group *g = getgrnam(srv.group);
	ck_assert_ptr_nonnull(g);
	gid_t gid = g->gr_gid;
	g = getgrnam(srv.wgroup);
	ck_assert_ptr_nonnull(g);
	gid_t wgid = g->gr_gid;
	struct stat st;
	ck_assert_int_eq(stat(srv.tw.data, &st), 0);
	check_mode(srv.tw.data, 0, gid, 02751);
	check_mode(srv.tw.db, (uid_t)-1, gid, 02770);
	char filesdir[PATH_MAX + 64], mine[PATH_MAX + 128];
	snprintf(filesdir, sizeof filesdir, "%s/files", srv.tw.data);
	check_mode(filesdir, 0, 0, 0711);
	for (int i = 0; i < NWORKERS; i++) {
		struct passwd *pw = getpwnam(srv.login[i]);
		ck_assert_ptr_nonnull(pw);
		snprintf(mine, sizeof mine, "%s/%s", filesdir, srv.login[i]);
		check_mode(mine, pw->pw_uid, (gid_t)-1, 0700);
	}
	ck_assert_int_eq(stat(srv.tw.bin, &st), 0);
	ck_assert_msg(st.st_uid == 0 && st.st_gid == gid && (st.st_mode & 07777) == 02755,
		      "the program is %ld:%ld mode %o, not root:%s 2755", (long)st.st_uid,
		      (long)st.st_gid, (unsigned)(st.st_mode & 07777), srv.group);
	const char *files[] = {"data.mdb", "lock.mdb"};
	for (size_t i = 0; i < 2; i++) {
		char p[PATH_MAX + 128];
		snprintf(p, sizeof p, "%s/%s", srv.tw.db, files[i]);
		ck_assert_int_eq(stat(p, &st), 0);
		ck_assert_msg(st.st_gid == gid && (st.st_mode & 0660) == 0660 && !(st.st_mode & 07),
			      "%s is group %ld mode %o", p, (long)st.st_gid,
			      (unsigned)(st.st_mode & 0777));
	}
	for (int i = 0; i < NWORKERS; i++) {
		ck_assert_msg(in_group(srv.login[i], wgid), "%s is not in %s", srv.login[i],
			      srv.wgroup);
		ck_assert_msg(!in_group(srv.login[i], gid), "%s is in %s", srv.login[i],
			      srv.group);
	}
	char *conf = read_all(srv.tw.sshd_conf);
	char want[PATH_MAX * 3];
	snprintf(want, sizeof want, "Match Group %s\n", srv.wgroup);
	ck_assert_msg(strstr(conf, want) != NULL, "no \"%s\" in %s", want, conf);
	snprintf(want, sizeof want, "ForceCommand exec %s --db %s\n", srv.tw.bin, srv.tw.db);
	ck_assert_msg(strstr(conf, want) != NULL, "no \"%s\" in %s", want, conf);
	snprintf(want, sizeof want, "Match Group %s LocalPort %d\n\tChrootDirectory %s\n"
		 "\tForceCommand internal-sftp -d /%%u\n", srv.wgroup, srv.tw.files_port, filesdir);
	ck_assert_msg(strstr(conf, want) != NULL, "no \"%s\" in %s", want, conf);
	/* SFTP's Match first: sshd takes a setting's first value */
	ck_assert_msg(strstr(conf, "internal-sftp") < strstr(conf, "ForceCommand exec"),
		      "the program's Match comes before SFTP's: %s", conf);

	/* an older install: the data folder the group's alone (2770), files/
	 * as the program made it; init puts the new modes in place */
	ck_assert_int_eq(chmod(srv.tw.data, 02770), 0);
	ck_assert_int_eq(chown(filesdir, 0, gid), 0);
	ck_assert_int_eq(chmod(filesdir, 02770), 0);

	/* again: the same files, the database kept, the worker kept */
	char units[PATH_MAX + 16], sshd_dir[PATH_MAX + 32];
	snprintf(units, sizeof units, "%s/units.txt", sshd.dir);
	snprintf(sshd_dir, sizeof sshd_dir, "%s/sshd_config.d", sshd.dir);
	char *init[] = {"init", "--county", COUNTY, "米易县", "--units", units,
			"--data", srv.tw.data, "--bin", srv.tw.bin, "--group", srv.group,
			"--workers-group", srv.wgroup, "--sshd-dir", sshd_dir, NULL};
	ck_assert_int_eq(script(init), 0);
	char *add[] = {"add-worker", srv.login[0], "--role", "village", "--unit", VILLAGE,
		       "--data", srv.tw.data, NULL};
	ck_assert_int_eq(script(add), 0);
	char *conf2 = read_all(srv.tw.sshd_conf);
	ck_assert_str_eq(conf, conf2);
	check_mode(srv.tw.data, 0, gid, 02751);
	check_mode(filesdir, 0, 0, 0711);
	ck_assert_int_eq(stat(srv.tw.bin, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 02755);
	char *out;
	ck_assert_int_eq(as_admin(&out, "user", "list", NULL, NULL), 0);
	for (int i = 0; i < NWORKERS; i++)
		ck_assert_msg(strstr(out, srv.login[i]) != NULL, "%s is not registered: %s",
			      srv.login[i], out);
	free(out);
	free(conf);
	free(conf2);
}
END_TEST

/* (a) A worker logs in like PuTTY (no command, no LANG) and the program
 * opens its home screen by itself, in the account's encoding. */
START_TEST(test_login_opens_the_program)
{
	need_server();
	vt *t = login(_i);
	expect(t, "居民");
	expect(t, "需求");
	quit_ssh(t);
	vt_free(t);
	programs_gone();
}
END_TEST

/* (b) The worker cannot read the data themself: a command over SSH gets
 * the program instead, and as the account on the server the folder is
 * closed; but the program, run by the same account, reads it. */
START_TEST(test_data_only_through_the_program)
{
	need_server();
	char cmd[PATH_MAX * 3];
	snprintf(cmd, sizeof cmd, "cat %s/data.mdb; ls %s", srv.tw.db, srv.tw.db);
	char *out;
	int rc = ssh_command(srv.login[0], cmd, &out);
	/* the program ran (and says it needs a terminal: status 2), not cat */
	ck_assert_msg(rc == 2, "ssh %s '%s' ended with %d: %s", srv.login[0], cmd, rc, out);
	ck_assert_msg(strstr(out, "米易县") == NULL && strstr(out, "lock.mdb") == NULL,
		      "the data came out over SSH: %s", out);
	free(out);

	char data[PATH_MAX + 128];
	snprintf(data, sizeof data, "%s/data.mdb", srv.tw.db);
	char *cat[] = {"/bin/cat", data, NULL};
	rc = sshd_run(srv.login[0], NULL, cat, &out);
	ck_assert_msg(rc != 0 && strstr(out, "Permission denied") != NULL,
		      "%s read %s directly (status %d): %.200s", srv.login[0], data, rc, out);
	free(out);
	char *sh[] = {"/bin/sh", "-c", "echo x > \"$0\"/new", srv.tw.data, NULL};
	rc = sshd_run(srv.login[0], NULL, sh, &out);
	ck_assert_msg(rc != 0, "%s wrote into %s directly", srv.login[0], srv.tw.data);
	free(out);

	/* the program opens and reads it for the same account (what a
	 * village worker may see of it is the scope's business; the saving
	 * test shows the writing) */
	char *find[] = {srv.tw.bin, "--db", srv.tw.db, "find", "resident", NULL};
	rc = sshd_run(srv.login[0], program_env(), find, &out);
	ck_assert_msg(rc == 0 && strstr(out, "shegong:") == NULL,
		      "the program as %s did not read the data (status %d): %s", srv.login[0],
		      rc, out);
	free(out);
}
END_TEST

/* (b), (d) The program writes for the workers, and what one worker's
 * session creates in the data folder stays the group's: LMDB's lock file,
 * gone (as after a restore), is made anew by worker 0's session under
 * sshd's umask 022; worker 1 must still save after. */
START_TEST(test_saved_and_shared)
{
	need_server();
	char lock[PATH_MAX + 128];
	snprintf(lock, sizeof lock, "%s/lock.mdb", srv.tw.db);
	ck_assert_int_eq(process_with_arg(srv.tw.db), 0);
	ck_assert_msg(unlink(lock) == 0, "%s: %s", lock, strerror(errno));

	vt *t = login(0);
	register_resident(t, "王𠈌明", "11010519491231002x");
	struct stat st;
	ck_assert_int_eq(stat(lock, &st), 0);
	struct passwd *pw = getpwnam(srv.login[0]);
	ck_assert_ptr_nonnull(pw);
	struct group *g = getgrnam(srv.group);
	ck_assert_ptr_nonnull(g);
	ck_assert_msg(st.st_uid == pw->pw_uid, "lock.mdb was not made by %s's session",
		      srv.login[0]);
	ck_assert_msg(st.st_gid == g->gr_gid, "lock.mdb made by %s is group %ld, not %s",
		      srv.login[0], (long)st.st_gid, srv.group);
	ck_assert_msg((st.st_mode & 0660) == 0660, "lock.mdb made by %s is mode %o: the group "
		      "cannot write it", srv.login[0], (unsigned)(st.st_mode & 0777));
	quit_ssh(t);
	vt_free(t);
	programs_gone();

	t = login(1);
	register_resident(t, "李𡃁花", "510421197512032045");
	quit_ssh(t);
	vt_free(t);
	programs_gone();

	/* saved, and in the audit trail under each worker's own login */
	const char *names[] = {"王𠈌明", "李𡃁花"};
	for (int i = 0; i < 2; i++) {
		char *id = resident_id(names[i]);
		char *out;
		ck_assert_int_eq(as_admin(&out, "audit", "--worker", srv.login[i], NULL), 0);
		ck_assert_msg(strstr(out, id) != NULL, "the audit trail of %s lacks %s: %s",
			      srv.login[i], id, out);
		free(out);
		free(id);
	}
}
END_TEST

/* (c) The link drops mid-form: the program on the server ends and keeps
 * the draft, and the next login offers it back with nothing lost. */
START_TEST(test_draft_after_drop)
{
	need_server();
	static const char *const names[] = {"赵𡃁花", "钱𠈌明"};
	static const char *const ids[][2] = {{"5104211980", "01010017"},
					      {"5104211990", "05050029"}};
	vt *t = login(_i);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, names[_i]);
	keys(t, KEY_TAB);
	type(t, ids[_i][0]);               /* half an ID number, still in the box */
	expect(t, ids[_i][0]);
	vt_hangup(t);                      /* the village's link drops */
	int status;
	if (!vt_wait_exit(t, WAIT_MS, &status)) {
		sshd_show_log();
		ck_abort_msg("ssh did not end after its terminal hung up");
	}
	vt_free(t);
	programs_gone();

	t = login(_i);
	expect(t, "要恢复吗");
	expect(t, names[_i]);
	type(t, "y");
	expect(t, "草稿已恢复");
	expect(t, names[_i]);
	expect(t, ids[_i][0]);
	type(t, ids[_i][1]);               /* the rest of it, and save */
	keys(t, KEY_F2);
	expect(t, "已登记");
	quit_ssh(t);
	vt_free(t);
	programs_gone();
	free(resident_id(names[_i]));
}
END_TEST

/* The login is the real uid's: $USER and $LOGNAME do not make a worker
 * the administrator. */
START_TEST(test_login_is_the_real_uid)
{
	need_server();
	char *env[] = {"USER=root", "LOGNAME=root", "HOME=/root", "LC_ALL=C.UTF-8", NULL};
	char *argv[] = {srv.tw.bin, "--db", srv.tw.db, "user", "add", "sgtintruder", "--role", "admin",
			"--unit", COUNTY, NULL};
	char *out;
	int rc = sshd_run(srv.login[0], env, argv, &out);
	ck_assert_msg(rc != 0 && strstr(out, srv.login[0]) != NULL,
		      "user add as %s with USER=root: status %d: %s", srv.login[0], rc, out);
	free(out);
	ck_assert_int_eq(as_admin(&out, "user", "list", NULL, NULL), 0);
	ck_assert_msg(strstr(out, "sgtintruder") == NULL, "an account was added: %s", out);
	free(out);
}
END_TEST

/* The setgid program does not take forms from a folder the worker
 * controls; the same program without setgid does (so the forms would
 * have been read, and found broken). */
START_TEST(test_environment_does_not_steer)
{
	need_server();
	struct passwd *pw = getpwnam(srv.login[0]);
	ck_assert_ptr_nonnull(pw);
	char mine[PATH_MAX + 64], form[PATH_MAX + 96], plain[PATH_MAX + 32];
	snprintf(mine, sizeof mine, "%s/myforms", pw->pw_dir);
	snprintf(form, sizeof form, "%s/resident.form", mine);
	ck_assert_int_eq(mkdir(mine, 0755) == 0 || errno == EEXIST, 1);
	ck_assert(write_file(form, "form resident\nnonsense here\n"));
	ck_assert_int_eq(chown(mine, pw->pw_uid, pw->pw_gid), 0);
	ck_assert_int_eq(chown(form, pw->pw_uid, pw->pw_gid), 0);

	char envforms[PATH_MAX + 96], trusted[PATH_MAX + 96];
	snprintf(envforms, sizeof envforms, "SHEGONG_FORMSDIR=%s", mine);
	snprintf(trusted, sizeof trusted, "SHEGONG_FORMSDIR=%s", srv.tw.forms);
	char *env[] = {envforms, "LC_ALL=C.UTF-8", NULL};
	char *env_ok[] = {trusted, "LC_ALL=C.UTF-8", NULL};
	char *argv[] = {srv.tw.bin, "check-forms", NULL};
	char *out;
	int rc = sshd_run(srv.login[0], env, argv, &out);
	ck_assert_msg(strstr(out, mine) == NULL,
		      "the setgid program read the worker's forms (status %d): %s", rc, out);
	free(out);
	rc = sshd_run(srv.login[0], env_ok, argv, &out);
	ck_assert_msg(rc == 0, "the setgid program did not take the forms root controls "
		      "(status %d): %s", rc, out);
	free(out);

	snprintf(plain, sizeof plain, "%s/bin/plain", sshd.dir);
	char *cp[] = {"/bin/cp", srv.tw.bin, plain, NULL};
	ck_assert_int_eq(sshd_run(NULL, NULL, cp, NULL), 0);
	ck_assert_int_eq(chmod(plain, 0755), 0);
	char *argv2[] = {plain, "check-forms", NULL};
	rc = sshd_run(srv.login[0], env, argv2, &out);
	ck_assert_msg(rc != 0 && strstr(out, mine) != NULL,
		      "without setgid, the worker's broken form was not read (status %d): %s", rc,
		      out);
	free(out);
}
END_TEST

/* The Match catches the workers only: root logs in through the same sshd
 * and runs a command. */
START_TEST(test_others_not_caught)
{
	need_server();
	char *out;
	int rc = ssh_command("root", "echo not-caught", &out);
	ck_assert_msg(rc == 0 && strstr(out, "not-caught") != NULL,
		      "root's command over SSH: status %d: %s", rc, out);
	free(out);
}
END_TEST

/* The files folder: what the program, run by worker 0 (setgid, the data's
 * group dropped), saves in files/LOGIN comes home with the real sftp on
 * the files port, which starts in that folder; from there worker 0 can
 * neither list nor fetch worker 1's folder, nor list the folders' folder,
 * nor reach the data folder or the database.  A command on the files port
 * gets no shell; sftp on the program's port gets no file. */
START_TEST(test_files_by_sftp)
{
	need_server();
	const char *me = srv.login[0], *other = srv.login[1];
	char mine[PATH_MAX + 128], saved[PATH_MAX + 160], theirs[PATH_MAX + 160];
	snprintf(mine, sizeof mine, "%s/files/%s", srv.tw.data, me);
	snprintf(saved, sizeof saved, "%s/need-blank.txt", mine);
	char *print[] = {srv.tw.bin, "--db", srv.tw.db, "print", "blank", "need", "--out", saved,
			 NULL};
	char *out;
	int rc = sshd_run(me, program_env(), print, &out);
	ck_assert_msg(rc == 0, "print blank need --out %s as %s: status %d: %s", saved, me, rc,
		      out);
	free(out);
	char *paper = read_all(saved);
	ck_assert_msg(strlen(paper) > 20, "the program saved next to nothing: %s", paper);
	/* worker 1's own file, which worker 0 must not get */
	snprintf(theirs, sizeof theirs, "%s/files/%s/secret.txt", srv.tw.data, other);
	ck_assert(write_file(theirs, "worker 1's alone\n"));
	struct passwd *pw = getpwnam(other);
	ck_assert_ptr_nonnull(pw);
	ck_assert_int_eq(chown(theirs, pw->pw_uid, pw->pw_gid), 0);

	/* home with sftp: in their own folder from the start */
	char got[PATH_MAX + 32], cmds[PATH_MAX * 3 + 8];
	snprintf(got, sizeof got, "%s/got.txt", sshd.dir);
	unlink(got);
	snprintf(cmds, sizeof cmds, "pwd\nls\nget need-blank.txt %s\nput %s upload.txt\n", got,
		 srv.tw.sshd_conf);
	int fp = srv.tw.files_port;
	rc = sftp_batch(me, fp, cmds, &out);
	char want[64];
	snprintf(want, sizeof want, "/%s", me);
	if (rc != 0)
		sshd_show_log();
	ck_assert_msg(rc == 0 && strstr(out, want) != NULL && strstr(out, "need-blank.txt"),
		      "sftp as %s on the files port: status %d: %s", me, rc, out);
	free(out);
	char *home = read_all(got);
	ck_assert_str_eq(home, paper);
	free(home);
	unlink(got);
	/* and the worker puts a file there (for the import screen) */
	char up[PATH_MAX + 160];
	snprintf(up, sizeof up, "%s/upload.txt", mine);
	struct stat st;
	struct passwd *mypw = getpwnam(me);
	ck_assert_ptr_nonnull(mypw);
	ck_assert_msg(stat(up, &st) == 0 && st.st_uid == mypw->pw_uid, "sftp put no %s", up);

	/* nothing else: each must fail (batch mode stops at a failure), and
	 * no listing shows worker 1's file, nor the folders' folder a login */
	char o1[PATH_MAX * 2], o2[PATH_MAX * 2], o3[PATH_MAX * 2];
	snprintf(o1, sizeof o1, "ls /%s", other);
	snprintf(o2, sizeof o2, "get /%s/secret.txt %s", other, got);
	snprintf(o3, sizeof o3, "put %s /%s/planted.txt", srv.tw.sshd_conf, other);
	char d1[PATH_MAX * 2], d2[PATH_MAX * 3];
	snprintf(d1, sizeof d1, "get ../db/data.mdb %s", got);
	snprintf(d2, sizeof d2, "get %s/data.mdb %s", srv.tw.db, got);
	const struct {
		const char *cmd, *never;
	} bad[] = {
		{o1, "secret.txt"}, {o2, NULL}, {o3, NULL}, {"ls /", other}, {"ls ..", other},
		{d1, NULL}, {d2, NULL},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		snprintf(cmds, sizeof cmds, "%s\n", bad[i].cmd);
		rc = sftp_batch(me, fp, cmds, &out);
		/* the session ran the command ("sftp> " echoes it): it failed there */
		ck_assert_msg(rc != 0 && stat(got, &st) != 0 && strstr(out, "sftp> ") != NULL &&
			      (bad[i].never == NULL || strstr(out, bad[i].never) == NULL),
			      "sftp as %s: \"%s\" did not fail: status %d: %s", me, bad[i].cmd, rc,
			      out);
		free(out);
	}
	snprintf(theirs, sizeof theirs, "%s/files/%s/planted.txt", srv.tw.data, other);
	ck_assert_int_ne(access(theirs, F_OK), 0);

	/* a command on the files port: SFTP still, no shell */
	char *argv[SSHD_ARGV], port[16], dest[300];
	sshd_ssh_argv(argv, port, dest, me, false, NULL, "echo shell-here");
	snprintf(port, sizeof port, "%d", fp);
	rc = sshd_run(NULL, NULL, argv, &out);
	ck_assert_msg(strstr(out, "shell-here") == NULL, "a command ran on the files port: %s",
		      out);
	free(out);
	/* sftp on the program's port: the program (which wants a terminal), no file */
	snprintf(cmds, sizeof cmds, "get need-blank.txt %s\n", got);
	rc = sftp_batch(me, sshd.port, cmds, &out);
	ck_assert_msg(rc != 0 && stat(got, &st) != 0,
		      "sftp as %s on the program's port: status %d: %s", me, rc, out);
	free(out);
	free(paper);
	programs_gone();
}
END_TEST

/* The print dialog over SSH, as worker 1 on their GB18030 terminal: a
 * worker whose files folder add-worker has not made (a server set up
 * before there were files folders) is told what to ask the administrator,
 * and nothing is saved; once add-worker has run again, the certificate
 * is saved there (past a link to the database the worker put, with
 * sftp's ln -s, under the name it would take), and comes home with sftp. */
START_TEST(test_print_dialog_files)
{
	need_server();
	const char *me = srv.login[1];
	char mine[PATH_MAX + 128];
	snprintf(mine, sizeof mine, "%s/files/%s", srv.tw.data, me);
	char *rm[] = {"/bin/rm", "-rf", mine, NULL};
	ck_assert_int_eq(sshd_run(NULL, NULL, rm, NULL), 0);

	vt *t = login(1);
	expect(t, "居民");
	type(t, "4");
	choose(t, "志愿者");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, "孙𠈌芳");
	keys(t, KEY_TAB);
	type(t, "11010519491231002x");
	keys(t, KEY_TAB);                  /* sex, filled */
	keys(t, KEY_TAB);                  /* phone */
	type(t, "13711112222");
	keys(t, KEY_F2);
	expect(t, "已登记");
	expect(t, "p 打印");
	type(t, "p");
	expect(t, "存为文本文件");
	type(t, "1");
	expect(t, "未保存：您在服务器上还没有文件夹。请管理员为您再“添加工作人员”一次。");
	struct stat st;
	ck_assert_msg(stat(mine, &st) != 0, "the program made %s itself", mine);

	char *add[] = {"add-worker", (char *)me, "--data", srv.tw.data, NULL};
	ck_assert_int_eq(script(add), 0);
	/* the worker plants, with sftp's ln -s, a link to the database under
	 * the name the certificate takes today: the program (not chrooted)
	 * passes it over for the next name, writing nothing through it */
	char today[16], cmds[PATH_MAX * 3], linkname[64], dbfile[PATH_MAX * 2];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	snprintf(linkname, sizeof linkname, "certificate-%s.txt", today);
	snprintf(dbfile, sizeof dbfile, "%s/data.mdb", srv.tw.db);
	struct stat db0;
	ck_assert_int_eq(stat(dbfile, &db0), 0);
	snprintf(cmds, sizeof cmds, "ln -s %s %s\n", dbfile, linkname);
	char *lnout;
	int lnrc = sftp_batch(me, srv.tw.files_port, cmds, &lnout);
	ck_assert_msg(lnrc == 0, "sftp ln -s as %s: status %d: %s", me, lnrc, lnout);
	free(lnout);
	char planted[PATH_MAX + 200];
	snprintf(planted, sizeof planted, "%s/%s", mine, linkname);
	ck_assert_msg(lstat(planted, &st) == 0 && S_ISLNK(st.st_mode), "sftp made no link %s",
		      planted);
	type(t, "p");
	expect(t, "存为文本文件");
	type(t, "1");
	char want[128];
	snprintf(want, sizeof want, "已存进您的文件夹：files/%s/certificate-%s-2.txt", me, today);
	expect(t, want);
	ck_assert_msg(lstat(planted, &st) == 0 && S_ISLNK(st.st_mode), "the link was replaced");
	struct stat db1;
	ck_assert_int_eq(stat(dbfile, &db1), 0);
	ck_assert_msg(db1.st_uid == db0.st_uid && db1.st_gid == db0.st_gid &&
		      db1.st_mode == db0.st_mode, "the database's file changed hands");
	quit_ssh(t);
	vt_free(t);
	programs_gone();

	char *out;
	int rc = sftp_batch(me, srv.tw.files_port, "ls\n", &out);
	ck_assert_msg(rc == 0 && strstr(out, "certificate-") != NULL,
		      "sftp as %s: status %d: %s", me, rc, out);
	free(out);
}
END_TEST

/* remove-worker: disabled in the database, and the login (with a key)
 * refused by sshd. */
START_TEST(test_remove_worker)
{
	need_server();
	const char *who = srv.login[2];
	char *out;
	int rc = ssh_command(who, NULL, &out);
	ck_assert_msg(rc == 2, "%s before removal: status %d: %s", who, rc, out);
	free(out);
	char *rm[] = {"remove-worker", (char *)who, "--data", srv.tw.data, NULL};
	ck_assert_int_eq(script(rm), 0);
	ck_assert_int_eq(script(rm), 0);   /* again: nothing more to do */
	rc = ssh_command(who, NULL, &out);
	ck_assert_msg(rc == 255, "%s after removal: status %d: %s", who, rc, out);
	free(out);
	ck_assert_int_eq(as_admin(&out, "user", "list", NULL, NULL), 0);
	char *line = strstr(out, who);
	ck_assert_ptr_nonnull(line);
	char *end = strchr(line, '\n');
	if (end != NULL)
		*end = '\0';
	ck_assert_msg(strstr(line, "disabled") != NULL, "%s is not disabled: %s", who, line);
	free(out);
	/* the files folder kept as it was */
	struct passwd *pw = getpwnam(who);
	ck_assert_ptr_nonnull(pw);
	char mine[PATH_MAX + 128];
	snprintf(mine, sizeof mine, "%s/files/%s", srv.tw.data, who);
	check_mode(mine, pw->pw_uid, (gid_t)-1, 0700);
}
END_TEST

int
main(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "check-township: skipped: it makes groups and accounts, so only "
			"root runs it\n");
		return 77;
	}
	Suite *s = suite_create("township");
	TCase *tc = tcase_create("township");
	tcase_add_unchecked_fixture(tc, server_setup, sshd_teardown);
	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, test_setup_made);
	tcase_add_loop_test(tc, test_login_opens_the_program, 0, 2);
	tcase_add_test(tc, test_data_only_through_the_program);
	tcase_add_test(tc, test_saved_and_shared);
	tcase_add_test(tc, test_login_is_the_real_uid);
	tcase_add_test(tc, test_environment_does_not_steer);
	tcase_add_test(tc, test_others_not_caught);
	tcase_add_test(tc, test_files_by_sftp);
	tcase_add_test(tc, test_print_dialog_files);
	tcase_add_test(tc, test_remove_worker);
	tcase_add_loop_test(tc, test_draft_after_drop, 0, 2);
	suite_add_tcase(s, tc);
	screen_on_failure = sshd_show_log;
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
