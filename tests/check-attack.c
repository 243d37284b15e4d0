/* check-attack.c: a village worker attacks a township server as
 * tools/township-setup.sh makes it (setgid program, ForceCommand, a real
 * sshd on 127.0.0.1), through every path a person may name: the import
 * screen's file (i on home), the exchange screen's file to write (o)
 * and to take (t), and, as the worker with a shell, every command that
 * takes a file or folder (export, report --xlsx, sync --to-file and
 * --from-file, import, init --units, backup, restore, check-forms).  Each
 * is aimed at the database's data.mdb and lock.mdb, a new file in the
 * data folder, the data folder itself, symbolic links to them in the test's
 * folder under /tmp, another worker's home and a folder the worker cannot
 * write.  Each must be refused with a message in the worker's language
 * (Chinese), and afterwards root's `shegong check` passes, every worker
 * still gets in, data.mdb and lock.mdb are the same files (inode), and
 * every table of the database but the audit trail dumps (mdb_dump -s) the
 * same bytes as before, while every line of the audit trail's dump from
 * before is still there (the refusals may add entries, nothing else).
 * Also: while a worker's session runs, the program's real, effective and
 * saved groups are all the worker's (the data group given up for good),
 * and the worker cannot reach its open descriptors through /proc.
 * Skipped (77) when not root. */
#include "config.h"

#include <check.h>
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
#include <unistd.h>

#include "sshd.h"
#include "screen.h"

#define USERADD "/usr/sbin/useradd"
#define USERDEL "/usr/sbin/userdel"
#define GROUPDEL "/usr/sbin/groupdel"
#define SETPRIV "/usr/bin/setpriv"
#define MDB_DUMP "mdb_dump"
#define PACKAGES "openssh-server, openssh-client, passwd, util-linux and lmdb-utils " \
	"(Debian: apt-get install openssh-server openssh-client passwd util-linux lmdb-utils)"
#ifndef SETUP_SCRIPT
#error "SETUP_SCRIPT: the path of tools/township-setup.sh"
#endif

#define WAIT_MS 15000
#define GONE_MS 10000

#define COUNTY "510421"
#define VILLAGE "510421100001"

/* worker 0 attacks (UTF-8); worker 1 is the other worker, whose home is
 * a target (GB18030); worker 2, the county's administrator with a login on
 * the server, attacks with what only an administrator may run (backup) */
#define NWORKERS 3
#define ADMIN 2
static const struct {
	const char *suffix, *name, *encoding, *enc_arg, *role, *unit;
	char *env[4];
} workers[NWORKERS] = {
	{"a", "张工", "UTF-8", "utf-8", "village", VILLAGE,
	 {"LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8", "LANGUAGE", NULL}},
	{"b", "李工", "GB18030", "gb18030", "village", VILLAGE,
	 {"LANG=zh_CN.GB18030", "LC_ALL=zh_CN.GB18030", "LANGUAGE", NULL}},
	{"c", "赵工", "UTF-8", "utf-8", "admin", COUNTY,
	 {"LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8", "LANGUAGE", NULL}},
};

static struct {
	struct sshd_township tw;
	char group[32], wgroup[32];
	char login[NWORKERS][32];
	char home[NWORKERS][PATH_MAX];
} srv;

/* The paths aimed at (made by the set-up, as root). */
enum { T_DATA, T_LOCK, T_NEWIN, T_DIR, T_LINK, T_DLINK, T_OTHER, T_OTHERDIR, T_RO, NTARGETS };
static char target[NTARGETS][PATH_MAX + 160];
static const char *const target_what[NTARGETS] = {
	"data.mdb", "lock.mdb", "a new file in the data folder", "the data folder",
	"a link to data.mdb", "a link to the data folder", "another worker's file",
	"another worker's home", "a folder the worker cannot write",
};

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

static int
script(char *const args[])
{
	return sshd_script(SETUP_SCRIPT, program_env(), args);
}

static bool
make_targets(void)
{
	const char *db = srv.tw.db;
	snprintf(target[T_DATA], sizeof target[0], "%s/data.mdb", db);
	snprintf(target[T_LOCK], sizeof target[0], "%s/lock.mdb", db);
	snprintf(target[T_NEWIN], sizeof target[0], "%s/new.csv", db);
	snprintf(target[T_DIR], sizeof target[0], "%s", db);
	snprintf(target[T_LINK], sizeof target[0], "%s/link.mdb", sshd.dir);
	snprintf(target[T_DLINK], sizeof target[0], "%s/dlink", sshd.dir);
	snprintf(target[T_OTHER], sizeof target[0], "%s/secret.csv", srv.home[1]);
	snprintf(target[T_OTHERDIR], sizeof target[0], "%s", srv.home[1]);
	snprintf(target[T_RO], sizeof target[0], "%s/ro/out.csv", sshd.dir);
	if (symlink(target[T_DATA], target[T_LINK]) != 0 || symlink(db, target[T_DLINK]) != 0) {
		sshd_error("symlink in %s: %s", sshd.dir, strerror(errno));
		return false;
	}
	char ro[PATH_MAX + 16];
	snprintf(ro, sizeof ro, "%s/ro", sshd.dir);
	if (mkdir(ro, 0755) != 0) {
		sshd_error("%s: %s", ro, strerror(errno));
		return false;
	}
	/* the other worker's home closed to others, a file of theirs in it */
	struct passwd *pw = getpwnam(srv.login[1]);
	if (!pw || !sshd_write_file(target[T_OTHER], "姓名,身份证号\n李𡃁花,510421197512032045\n",
				    0600) ||
	    chown(target[T_OTHER], pw->pw_uid, pw->pw_gid) != 0 || chmod(srv.home[1], 0750) != 0) {
		sshd_error("%s: %s", target[T_OTHER], strerror(errno));
		return false;
	}
	return true;
}

static void
server_setup(void)
{
	memset(&srv, 0, sizeof srv);
	umask(022);
	const char *tools[] = {SSHD, SSH, SSH_KEYGEN, USERADD, USERDEL, GROUPDEL, SETPRIV};
	if (!sshd_have(tools, sizeof tools / sizeof tools[0], PACKAGES))
		return;
	char *which[] = {"/bin/sh", "-c", "command -v " MDB_DUMP, NULL};
	char *whichout = NULL;
	int found = sshd_run(NULL, NULL, which, &whichout);
	free(whichout);
	if (found != 0) {
		sshd_error("%s is missing: install %s", MDB_DUMP, PACKAGES);
		return;
	}
	long pid = (long)getpid();
	snprintf(srv.group, sizeof srv.group, "sga%ldg", pid);
	snprintf(srv.wgroup, sizeof srv.wgroup, "sga%ldw", pid);
	for (int i = 0; i < NWORKERS; i++)
		snprintf(srv.login[i], sizeof srv.login[i], "sga%ld%s", pid, workers[i].suffix);
	const char *const groups[] = {srv.group, srv.wgroup, NULL};
	const char *const logins[] = {srv.login[0], srv.login[1], srv.login[2], NULL};
	if (!sshd_names_free(groups, logins))
		return;
	if (!sshd_township_init(&srv.tw, "shegong-attack", srv.group, srv.wgroup, script))
		return;
	for (int i = 0; i < NWORKERS; i++) {
		char *add[] = {"add-worker", srv.login[i], "--role", (char *)workers[i].role,
			       "--unit", (char *)workers[i].unit,
			       "--name", (char *)workers[i].name, "--encoding",
			       (char *)workers[i].enc_arg, "--key", sshd.pub, "--data", srv.tw.data,
			       NULL};
		int rc = script(add);
		sshd_own_login(srv.login[i]);
		if (rc != 0) {
			sshd_error("township-setup.sh add-worker %s failed with status %d",
				   srv.login[i], rc);
			return;
		}
		struct passwd *pw = getpwnam(srv.login[i]);
		if (!pw) {
			sshd_error("no account %s after add-worker", srv.login[i]);
			return;
		}
		snprintf(srv.home[i], sizeof srv.home[i], "%s", pw->pw_dir);
	}
	if (!make_targets())
		return;
	sshd_start_township(&srv.tw, 23022);
}

/* --- what the database holds -------------------------------------------- */

static const char *const tables[] = {"meta", "rec", "idx", "draft", "chg"};
#define NTABLES (sizeof tables / sizeof tables[0])

struct snapshot {
	char *dump[NTABLES];    /* mdb_dump -s of each table but the audit trail */
	char *audit;
	ino_t data_ino, lock_ino;
	char *listing;          /* the data folder's names */
};

static char *
dump_table(const char *name)
{
	char *argv[] = {"/bin/sh", "-c", "exec " MDB_DUMP " -s \"$1\" \"$0\"", srv.tw.db,
			(char *)name, NULL};
	char *out;
	int rc = sshd_run(NULL, NULL, argv, &out);
	/* a table that is not there (no drafts yet) is not there before and after alike */
	ck_assert_msg(out != NULL, "mdb_dump did not run");
	if (rc != 0 && strstr(out, "MDB_NOTFOUND") == NULL)
		ck_abort_msg("mdb_dump -s %s %s: status %d: %s", name, srv.tw.db, rc, out);
	return out;
}

/* The meta table's "x/audit_head" (the audit trail's count and last hash,
 * audit.c) is the audit trail's: its key line and value line out. */
static void
drop_audit_head(char *dump)
{
	static const char key[] = " 782f61756469745f68656164\n";   /* "x/audit_head" */
	char *k = strstr(dump, key);
	if (!k)
		return;
	char *val_end = strchr(k + strlen(key), '\n');
	ck_assert_ptr_nonnull(val_end);
	memmove(k, val_end + 1, strlen(val_end + 1) + 1);
}

static void
snapshot_take(struct snapshot *s)
{
	for (size_t i = 0; i < NTABLES; i++)
		s->dump[i] = dump_table(tables[i]);
	drop_audit_head(s->dump[0]);
	s->audit = dump_table("audit");
	struct stat st;
	ck_assert_int_eq(stat(target[T_DATA], &st), 0);
	s->data_ino = st.st_ino;
	ck_assert_int_eq(stat(target[T_LOCK], &st), 0);
	s->lock_ino = st.st_ino;
	char *argv[] = {"/bin/ls", "-A", srv.tw.db, NULL};
	ck_assert_int_eq(sshd_run(NULL, NULL, argv, &s->listing), 0);
}

/* Every line of the audit dump before is in the one after, in order:
 * entries were only added. */
static bool
audit_only_added(const char *before, const char *after)
{
	const char *p = after;
	while (*before) {
		const char *nl = strchr(before, '\n');
		size_t len = nl ? (size_t)(nl - before + 1) : strlen(before);
		bool found = false;
		for (; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
			if (strncmp(p, before, len) == 0) {
				found = true;
				p += len;
				break;
			}
		}
		if (!found)
			return false;
		before += len;
	}
	return true;
}

static void
snapshot_same(const struct snapshot *a, const char *after_what)
{
	struct snapshot b;
	snapshot_take(&b);
	for (size_t i = 0; i < NTABLES; i++) {
		size_t at = 0;
		while (a->dump[i][at] && a->dump[i][at] == b.dump[i][at])
			at++;
		while (at > 0 && a->dump[i][at - 1] != '\n')
			at--;
		ck_assert_msg(strcmp(a->dump[i], b.dump[i]) == 0,
			      "after %s, the table %s of the database changed: before\n%.300s\n"
			      "after\n%.300s", after_what, tables[i], a->dump[i] + at,
			      b.dump[i] + at);
	}
	ck_assert_msg(audit_only_added(a->audit, b.audit),
		      "after %s, the audit trail lost or changed an entry", after_what);
	ck_assert_msg(a->data_ino == b.data_ino && a->lock_ino == b.lock_ino,
		      "after %s, data.mdb or lock.mdb is another file", after_what);
	ck_assert_msg(strcmp(a->listing, b.listing) == 0,
		      "after %s, the data folder holds other files: before\n%s\nafter\n%s",
		      after_what, a->listing, b.listing);
	for (size_t i = 0; i < NTABLES; i++)
		free(b.dump[i]);
	free(b.audit);
	free(b.listing);
}

static void
snapshot_free(struct snapshot *s)
{
	for (size_t i = 0; i < NTABLES; i++)
		free(s->dump[i]);
	free(s->audit);
	free(s->listing);
}

/* The file in the other worker's home and the read-only folder as made. */
static void
others_untouched(void)
{
	char *argv[] = {"/bin/cat", target[T_OTHER], NULL};
	char *out;
	ck_assert_int_eq(sshd_run(NULL, NULL, argv, &out), 0);
	ck_assert_msg(strcmp(out, "姓名,身份证号\n李𡃁花,510421197512032045\n") == 0,
		      "the other worker's file changed: %s", out);
	free(out);
	struct stat st;
	ck_assert_msg(stat(target[T_RO], &st) != 0, "a file was written in the read-only folder");
	char tmp[PATH_MAX + 200];
	snprintf(tmp, sizeof tmp, "%s.tmp", target[T_OTHER]);
	ck_assert_msg(stat(tmp, &st) != 0, "%s was made", tmp);
	snprintf(tmp, sizeof tmp, "%s/out.csv", srv.home[1]);
	ck_assert_msg(stat(tmp, &st) != 0, "%s was made", tmp);
}

/* root's check passes */
static void
check_passes(void)
{
	char *argv[] = {srv.tw.bin, "--db", srv.tw.db, "check", NULL};
	char *out;
	int rc = sshd_run(NULL, program_env(), argv, &out);
	ck_assert_msg(rc == 0, "shegong check as root: status %d: %s", rc, out);
	free(out);
}

/* --- the client ----------------------------------------------------------- */

static vt *
login(int w)
{
	char *argv[SSHD_ARGV], port[16], dest[300];
	sshd_ssh_argv(argv, port, dest, srv.login[w], true, NULL, NULL);
	vt *t = vt_spawn(argv, workers[w].env, 24, 80, workers[w].encoding);
	ck_assert_msg(t != NULL, "cannot start %s", SSH);
	return t;
}

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
		ck_abort_msg("a program on the server (pid %ld) still runs after its session ended",
			     (long)left);
	}
}

static void
everyone_gets_in(void)
{
	for (int w = 0; w < NWORKERS; w++) {
		vt *t = login(w);
		expect(t, "居民");
		quit_ssh(t);
		vt_free(t);
		programs_gone();
	}
}

static void
answer(vt *t, const char *question, const char *text)
{
	expect(t, question);
	type(t, text);
	keys(t, KEY_ENTER);
}

/* --- the tests ------------------------------------------------------------ */

/* A message a worker understands: in Chinese, naming the path, saying why. */
static void
refused_in_chinese(const char *what, const char *path, int rc, const char *out)
{
	ck_assert_msg(rc != 0, "%s %s was not refused: %s", what, path, out);
	/* a CJK character: U+4E00..U+9FFF is E4 B8 80 .. E9 BF BF in UTF-8 */
	bool cjk = false;
	for (const unsigned char *p = (const unsigned char *)out; *p && !cjk; p++)
		cjk = *p >= 0xE4 && *p <= 0xE9 && p[1] >= 0x80 && p[2] >= 0x80;
	ck_assert_msg(cjk, "%s %s: the refusal is not in Chinese: %s", what, path, out);
	ck_assert_msg(strstr(out, "已将") == NULL && strstr(out, "已写出") == NULL &&
		      strstr(out, "已导入") == NULL,
		      "%s %s: the program says it was done: %s", what, path, out);
	ck_assert_msg(strstr(out, "加入 shegong 组") == NULL,
		      "%s %s: the refusal blames the database's group: %s", what, path, out);
}

/* One command as worker w with a shell (setpriv, as sshd_run does). */
static void
attack_as(int w, char *const args[], const char *what, const char *path)
{
	char *argv[24];
	size_t n = 0;
	argv[n++] = srv.tw.bin;
	argv[n++] = "--db";
	argv[n++] = srv.tw.db;
	for (size_t i = 0; args[i] && n < 23; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	char *out;
	int rc = sshd_run(srv.login[w], program_env(), argv, &out);
	ck_assert_ptr_nonnull(out);
	refused_in_chinese(what, path, rc, out);
	/* what each refusal said, for the log */
	fprintf(stderr, "refused: %s %s: status %d: %.*s\n", what, path, rc,
		(int)strcspn(out, "\n"), out);
	ck_assert_msg(strstr(out, "SQLite") == NULL && strstr(out, "\x89LMDB") == NULL,
		      "%s %s: bytes of the file came out: %s", what, path, out);
	free(out);
}

static void
attack_command(char *const args[], const char *what, const char *path)
{
	attack_as(0, args, what, path);
}

/* Writing commands aim at every target; reading ones at every target. */
START_TEST(test_commands)
{
	sshd_need();
	/* The village's exchange key is made, once, by the first file
	 * written for it, and kept even when writing the file then fails
	 * (the key is stored before the file, so that no file goes out
	 * sealed with a key the township does not keep): one file first,
	 * so that a refused one below changes nothing at all. */
	char first[PATH_MAX + 32];
	snprintf(first, sizeof first, "%s/first.sync", srv.home[0]);
	char *fargv[] = {srv.tw.bin, "--db", srv.tw.db, "sync", "--to-file", first, "--for", VILLAGE,
			 NULL};
	char *fout;
	int frc = sshd_run(srv.login[0], program_env(), fargv, &fout);
	ck_assert_msg(frc == 0, "the first exchange file was not written: %s", fout ? fout : "");
	free(fout);
	unlink(first);
	struct snapshot before;
	snapshot_take(&before);
	for (int k = 0; k < NTARGETS; k++) {
		char *p = target[k];
		char what[256];
		snprintf(what, sizeof what, "export (%s)", target_what[k]);
		char *exp[] = {"export", "resident", p, "--format", "csv", NULL};
		attack_command(exp, what, p);
		char *expx[] = {"export", "resident", p, "--format", "xlsx", NULL};
		attack_command(expx, what, p);
		snprintf(what, sizeof what, "report --xlsx (%s)", target_what[k]);
		char *rep[] = {"report", "--xlsx", p, NULL};
		attack_command(rep, what, p);
		snprintf(what, sizeof what, "sync --to-file (%s)", target_what[k]);
		char *to[] = {"sync", "--to-file", p, "--for", VILLAGE, NULL};
		attack_command(to, what, p);
		snprintf(what, sizeof what, "sync --from-file (%s)", target_what[k]);
		char *from[] = {"sync", "--from-file", p, NULL};
		attack_command(from, what, p);
		snprintf(what, sizeof what, "import (%s)", target_what[k]);
		char *imp[] = {"import", "resident", p, NULL};
		attack_command(imp, what, p);
		snprintf(what, sizeof what, "init --units (%s)", target_what[k]);
		char *ini[] = {"init", "--units", p, NULL};
		attack_command(ini, what, p);
		snprintf(what, sizeof what, "backup (%s)", target_what[k]);
		char *bk[] = {"backup", p, NULL};
		attack_as(ADMIN, bk, what, p);
		snprintf(what, sizeof what, "restore (%s)", target_what[k]);
		char *rs[] = {"restore", p, NULL};
		attack_as(ADMIN, rs, what, p);
		/* what an administrator may also run, at the same paths */
		snprintf(what, sizeof what, "export as the administrator (%s)", target_what[k]);
		attack_as(ADMIN, exp, what, p);
		snprintf(what, sizeof what, "import as the administrator (%s)", target_what[k]);
		attack_as(ADMIN, imp, what, p);
		if (k == T_DIR || k == T_DLINK || k == T_OTHERDIR) {
			snprintf(what, sizeof what, "check-forms (%s)", target_what[k]);
			char *cf[] = {"check-forms", p, NULL};
			attack_command(cf, what, p);
		}
		snapshot_same(&before, what);
	}
	others_untouched();
	check_passes();
	everyone_gets_in();
	snapshot_same(&before, "every command");
	snapshot_free(&before);
}
END_TEST

/* The screens' path prompts, over SSH. */
START_TEST(test_screens)
{
	sshd_need();
	struct snapshot before;
	snapshot_take(&before);
	for (int k = 0; k < NTARGETS; k++) {
		const char *p = target[k];
		vt *t = login(0);
		/* the import screen: i on home */
		expect(t, "主菜单");
		keys(t, "i");
		expect(t, "从表格导入：哪个表单");
		type(t, "1");
		expect(t, "有错的行");
		type(t, "n");
		expect(t, "身份证号已登记的行");
		type(t, "n");
		/* past the files folder's list to the typed path, its last row */
		expect(t, "选择要导入的文件");
		keys(t, KEY_END);
		keys(t, KEY_ENTER);
		answer(t, "要导入的文件，CSV", p);
		expect(t, "导入结果");
		expect(t, "没有导入任何内容");
		expect(t, "无法读取");
		keys(t, KEY_ESC);
		expect(t, "主菜单");
		/* the exchange screen: a file for the village (o), one taken (t) */
		type(t, "9");
		expect(t, "o 写出文件");
		keys(t, "o");
		answer(t, "哪个村", VILLAGE);
		answer(t, "写到", p);
		expect(t, "没有写出文件");
		expect(t, "无法写入");
		if (k != T_DIR && k != T_DLINK && k != T_OTHERDIR)
			expect(t, "您的账号不能写入那里");
		keys(t, "t");
		answer(t, "要读入的交换文件", p);
		expect(t, "没有成功");
		expect(t, "无法读取");
		quit_ssh(t);
		vt_free(t);
		programs_gone();
		snapshot_same(&before, target_what[k]);
	}
	others_untouched();
	check_passes();
	everyone_gets_in();
	snapshot_same(&before, "every screen");
	snapshot_free(&before);
}
END_TEST

/* While a session runs, its program holds no group but the worker's, and
 * the worker cannot reach it or its descriptors. */
START_TEST(test_group_given_up)
{
	sshd_need();
	vt *t = login(0);
	expect(t, "居民");
	pid_t pid = process_with_arg(srv.tw.db);
	ck_assert_msg(pid != 0, "no program runs on the database");
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	char line[256];
	long r = -1, e = -1, s = -1, fs = -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "Gid:", 4) == 0)
			sscanf(line + 4, "%ld %ld %ld %ld", &r, &e, &s, &fs);
	fclose(f);
	struct passwd *pw = getpwnam(srv.login[0]);
	ck_assert_ptr_nonnull(pw);
	ck_assert_msg(r == (long)pw->pw_gid && e == r && s == r && fs == r,
		      "the program's groups are %ld %ld %ld %ld, not all %ld", r, e, s, fs,
		      (long)pw->pw_gid);
	/* the descriptors of data.mdb are the program's alone */
	char cmd[128];
	snprintf(cmd, sizeof cmd, "for f in /proc/%ld/fd/*; do cat \"$f\"; done; ls /proc/%ld/fd",
		 (long)pid, (long)pid);
	char *sh[] = {"/bin/sh", "-c", cmd, NULL};
	char *out;
	int rc = sshd_run(srv.login[0], NULL, sh, &out);
	ck_assert_msg(rc != 0 && strstr(out, "米易县") == NULL,
		      "the worker reached the program's descriptors (status %d): %.300s", rc, out);
	free(out);
	quit_ssh(t);
	vt_free(t);
	programs_gone();
}
END_TEST

/* lock.mdb another worker's alone (what an exchange file written over it
 * left, before the group was given up): a worker logging in over SSH with
 * no LANG is told, in their account's language and encoding, that the
 * database's files have the wrong owner or rights and to tell the
 * administrator, not that the terminal cannot show Chinese; once mended,
 * all is as before. */
START_TEST(test_locked_out_said)
{
	sshd_need();
	struct stat before;
	ck_assert_int_eq(stat(target[T_LOCK], &before), 0);
	struct passwd *pw = getpwnam(srv.login[1]);
	ck_assert_ptr_nonnull(pw);
	ck_assert_int_eq(chown(target[T_LOCK], pw->pw_uid, pw->pw_gid), 0);
	ck_assert_int_eq(chmod(target[T_LOCK], 0600), 0);
	{   /* worker 1 owns the file now: worker 0 is the one locked out */
		vt *t = login(0);
		expect(t, "所有者或权限不对");
		expect(t, "告诉这台服务器的管理员");
		ck_assert_msg(strstr(vt_screen(t), "export LANG") == NULL, "the locale was blamed");
		int status;
		ck_assert(vt_wait_exit(t, WAIT_MS, &status));
		vt_free(t);
		programs_gone();
	}
	ck_assert_int_eq(chown(target[T_LOCK], before.st_uid, before.st_gid), 0);
	ck_assert_int_eq(chmod(target[T_LOCK], before.st_mode & 07777), 0);
	everyone_gets_in();
	check_passes();
}
END_TEST

/* The other end of an exchange (what ForceCommand runs for "sync
 * --serve"), --status and --to-file never make a database: aimed by a
 * worker with a shell at a folder in the data folder (which the group may
 * write), nothing is made there. */
START_TEST(test_serve_makes_nothing)
{
	sshd_need();
	char fresh[PATH_MAX + 64], out_file[PATH_MAX + 64];
	snprintf(fresh, sizeof fresh, "%s/fresh", srv.tw.data);
	snprintf(out_file, sizeof out_file, "%s/up.sync", srv.home[0]);
	char *const runs[][6] = {
		{"sync", "--serve", NULL},
		{"sync", "--status", NULL},
		{"sync", "--to-file", out_file, "--for", VILLAGE, NULL},
	};
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
		char *argv[] = {srv.tw.bin, "--db", fresh, runs[i][0], runs[i][1], runs[i][2],
				runs[i][3], runs[i][4], NULL};
		char *out;
		int rc = sshd_run(srv.login[0], program_env(), argv, &out);
		ck_assert_msg(rc != 0, "sync %s on a folder with no database: status 0: %s",
			      runs[i][1], out);
		free(out);
		struct stat st;
		ck_assert_msg(stat(fresh, &st) != 0, "sync %s made %s", runs[i][1], fresh);
	}
}
END_TEST

int
main(void)
{
	if (geteuid() != 0) {
		fprintf(stderr, "check-attack: skipped: it makes groups and accounts, so only "
			"root runs it\n");
		return 77;
	}
	Suite *s = suite_create("attack");
	TCase *tc = tcase_create("attack");
	tcase_add_unchecked_fixture(tc, server_setup, sshd_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_group_given_up);
	tcase_add_test(tc, test_commands);
	tcase_add_test(tc, test_screens);
	tcase_add_test(tc, test_locked_out_said);
	tcase_add_test(tc, test_serve_makes_nothing);
	suite_add_tcase(s, tc);
	screen_on_failure = sshd_show_log;
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
