/* check-ssh.c: the dropped link for real: the program reached through a
 * real OpenSSH server on 127.0.0.1, as a village worker reaches the
 * township's server, on a UTF-8 and on a GB18030 terminal.  Half a form is
 * typed, the client side of the link drops (ssh dies, sshd hangs up the
 * session's terminal), the program on the server must end and keep the
 * draft, and the next login must offer it back with nothing lost. */
#include "config.h"

#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vt.h"

#define SSHD "/usr/sbin/sshd"
#define SSH "/usr/bin/ssh"
#define SSH_KEYGEN "/usr/bin/ssh-keygen"
#define PACKAGES "openssh-server and openssh-client (Debian: apt-get install openssh-server openssh-client)"

#define WAIT_MS 15000      /* a screen text to show */
#define LISTEN_MS 10000    /* sshd to accept connections */
#define GONE_MS 10000      /* the server's program to end after the hang-up */
#define KEY_F3 "\033OR"
#define KEY_F10 "\033[21~"
#define KEY_TAB "\t"

static const struct {
	const char *encoding;
	const char *locale;
	char *env[4];
} terms[] = {
	{"UTF-8", "zh_CN.UTF-8", {"LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8", "LANGUAGE", NULL}},
	{"GB18030", "zh_CN.GB18030",
	 {"LANG=zh_CN.GB18030", "LC_ALL=zh_CN.GB18030", "LANGUAGE", NULL}},
};

/* The server, started once per test case by the unchecked fixture in
 * Check's parent process and inherited by every forked test.  Check gives
 * a fixture no other way to hand state to a test, and a failed test in a
 * forked child runs neither its teardown nor atexit: only the parent can
 * be trusted to stop sshd and remove the folder. */
static struct {
	char dir[PATH_MAX];   /* config, keys, log, databases; removed at the end */
	char key[PATH_MAX + 32];   /* the client's private key */
	char log[PATH_MAX + 32];   /* sshd's log, shown when a test fails */
	char login[256];
	int port;
	pid_t pid;
	char error[1024];     /* why there is no server: every test fails with it */
} srv;

/* --- small helpers ---------------------------------------------------- */

static long long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
sleep_ms(int ms)
{
	poll(NULL, 0, ms);
}

static void setup_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
setup_error(const char *fmt, ...)
{
	va_list ap;

	if (srv.error[0] != '\0')
		return;   /* the first fault is the one that matters */
	va_start(ap, fmt);
	vsnprintf(srv.error, sizeof srv.error, fmt, ap);
	va_end(ap);
}

static bool
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return false;
	bool ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok;
}

/* The last part of sshd's log on stderr, for a failing test. */
static void
show_log(void)
{
	FILE *f = fopen(srv.log, "r");
	if (f == NULL)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > 4000)
		fseek(f, -4000, SEEK_END);
	else
		rewind(f);
	fprintf(stderr, "--- %s (end) ---\n", srv.log);
	char buf[512];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, stderr);
	fprintf(stderr, "---\n");
	fclose(f);
}

/* Run argv[0] with its output appended to sshd's log; its exit status, or
 * -1 when it could not run. */
static int
run_logged(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int out = open(srv.log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* --- the server --------------------------------------------------------- */

/* A port on 127.0.0.1 that nobody listens on now: the kernel picks it. */
static int
free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return -1;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof a;
	int port = -1;
	if (bind(s, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	close(s);
	return port;
}

static bool
port_accepts(int port)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0)
		return false;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bool ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
	close(s);
	return ok;
}

/* Start sshd on port and wait until it accepts connections.  False when it
 * died first (the port was taken meanwhile, a bad config) or never
 * listened; it is then stopped and reaped. */
static bool
sshd_start(const char *config, int port)
{
	char portstr[16];
	snprintf(portstr, sizeof portstr, "%d", port);
	char *argv[] = {SSHD, "-D", "-e", "-f", (char *)config, "-p", portstr, NULL};
	pid_t parent = getpid();

	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		/* should this test runner die without its teardown, sshd goes too */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		int in = open("/dev/null", O_RDONLY);
		int out = open(srv.log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	long long deadline = now_ms() + LISTEN_MS;
	while (now_ms() < deadline) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return false;
		if (port_accepts(port)) {
			srv.pid = pid;
			srv.port = port;
			return true;
		}
		sleep_ms(50);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return false;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
server_teardown(void)
{
	if (srv.pid > 0) {
		kill(srv.pid, SIGTERM);
		long long deadline = now_ms() + 5000;
		while (waitpid(srv.pid, NULL, WNOHANG) == 0 && now_ms() < deadline)
			sleep_ms(20);
		if (now_ms() >= deadline) {
			kill(srv.pid, SIGKILL);
			waitpid(srv.pid, NULL, 0);
		}
		srv.pid = 0;
	}
	if (srv.dir[0] != '\0') {
		nftw(srv.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		srv.dir[0] = '\0';
	}
}

/* No ck_assert here: this runs in Check's parent, where a failed assertion
 * has no test to fail.  A fault is kept in srv.error for each test. */
static void
server_setup(void)
{
	srv.error[0] = '\0';
	srv.pid = 0;
	if (access(SSHD, X_OK) != 0 || access(SSH, X_OK) != 0 || access(SSH_KEYGEN, X_OK) != 0) {
		setup_error("%s, %s or %s is missing: this test needs %s",
			    SSHD, SSH, SSH_KEYGEN, PACKAGES);
		return;
	}
	struct passwd *pw = getpwuid(getuid());
	if (pw == NULL || strlen(pw->pw_name) >= sizeof srv.login) {
		setup_error("no user name for uid %ld", (long)getuid());
		return;
	}
	strcpy(srv.login, pw->pw_name);

	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	snprintf(tmpl, sizeof tmpl, "%s/shegong-ssh-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(tmpl) == NULL || realpath(tmpl, srv.dir) == NULL) {
		setup_error("cannot make a folder %s: %s", tmpl, strerror(errno));
		return;
	}
	snprintf(srv.log, sizeof srv.log, "%s/sshd.log", srv.dir);
	snprintf(srv.key, sizeof srv.key, "%s/client_key", srv.dir);

	char hostkey[PATH_MAX + 16], pub[PATH_MAX + 48], auth[PATH_MAX + 32];
	char pidfile[PATH_MAX + 16], config[PATH_MAX + 16];
	snprintf(hostkey, sizeof hostkey, "%s/host_key", srv.dir);
	snprintf(pub, sizeof pub, "%s.pub", srv.key);
	snprintf(auth, sizeof auth, "%s/authorized_keys", srv.dir);
	snprintf(pidfile, sizeof pidfile, "%s/sshd.pid", srv.dir);
	snprintf(config, sizeof config, "%s/sshd_config", srv.dir);

	char *hk[] = {SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "shegong-test-host",
		      "-f", hostkey, NULL};
	char *ck[] = {SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "shegong-test-client",
		      "-f", srv.key, NULL};
	if (run_logged(hk) != 0 || run_logged(ck) != 0) {
		setup_error("ssh-keygen failed (see %s)", srv.log);
		return;
	}
	char *cp[] = {"/bin/cp", pub, auth, NULL};
	if (run_logged(cp) != 0) {
		setup_error("cannot copy %s to %s", pub, auth);
		return;
	}

	char *text;
	if (asprintf(&text,
		     "ListenAddress 127.0.0.1\n"
		     "HostKey %s\n"
		     "PidFile %s\n"
		     "AuthorizedKeysFile %s\n"
		     "PubkeyAuthentication yes\n"
		     "PasswordAuthentication no\n"
		     "KbdInteractiveAuthentication no\n"
		     "PermitRootLogin prohibit-password\n"
		     "StrictModes no\n"
		     "UsePAM no\n"
		     "AcceptEnv LANG LC_*\n"
		     "PrintMotd no\n"
		     "PrintLastLog no\n"
		     "X11Forwarding no\n"
		     "AllowTcpForwarding no\n"
		     "AllowAgentForwarding no\n"
		     "LoginGraceTime 30\n"
		     "LogLevel INFO\n",
		     hostkey, pidfile, auth) < 0) {
		setup_error("out of memory");
		return;
	}
	bool ok = write_file(config, text);
	free(text);
	if (!ok) {
		setup_error("cannot write %s: %s", config, strerror(errno));
		return;
	}

	/* sshd started by root wants its privilege separation folder */
	if (geteuid() == 0 && mkdir("/run/sshd", 0755) != 0 && errno != EEXIST) {
		setup_error("cannot make /run/sshd: %s", strerror(errno));
		return;
	}

	/* the kernel's choice first; then a few fixed ones, should it be
	 * taken between our look and sshd's bind */
	int tries[] = {free_port(), free_port(), 20022 + (int)(getpid() % 1000), 21022};
	for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
		if (tries[i] > 0 && sshd_start(config, tries[i]))
			return;
	}
	setup_error("sshd did not start listening on 127.0.0.1 (see its log in the test output)");
}

/* --- the client --------------------------------------------------------- */

/* Append word to f quoted for the remote shell. */
static void
shell_word(FILE *f, const char *word)
{
	fputs(" '", f);
	for (const char *p = word; *p; p++) {
		if (*p == '\'')
			fputs("'\\''", f);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

static void
shell_assign(FILE *f, const char *name, const char *value)
{
	char *w;
	ck_assert_int_ge(asprintf(&w, "%s=%s", name, value), 0);
	shell_word(f, w);
	free(w);
}

/* An absolute path for what the environment names, or NULL when unset. */
static char *
abs_env(const char *name, const char *fallback)
{
	const char *v = getenv(name);
	if (v == NULL || *v == '\0')
		v = fallback;
	if (v == NULL)
		return NULL;
	char *p = realpath(v, NULL);
	ck_assert_msg(p != NULL, "%s: %s: %s", name, v, strerror(errno));
	return p;
}

static vt *
login(const char *db, int term)
{
	char *bin = abs_env("SHEGONG_BIN", "../src/shegong");
	char *localedir = abs_env("SHEGONG_LOCALEDIR", NULL);
	char *formsdir = abs_env("SHEGONG_FORMSDIR", NULL);

	/* sshd gives the session a fresh environment: all the program needs
	 * travels in the command, with the sanitizers' options of make check */
	char *cmd = NULL;
	size_t cmdlen = 0;
	FILE *f = open_memstream(&cmd, &cmdlen);
	ck_assert_ptr_nonnull(f);
	fputs("exec env -u LANGUAGE", f);
	shell_assign(f, "LANG", terms[term].locale);
	shell_assign(f, "LC_ALL", terms[term].locale);
	if (localedir != NULL)
		shell_assign(f, "SHEGONG_LOCALEDIR", localedir);
	if (formsdir != NULL)
		shell_assign(f, "SHEGONG_FORMSDIR", formsdir);
	static const char *const pass[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"};
	for (size_t i = 0; i < sizeof pass / sizeof pass[0]; i++) {
		const char *v = getenv(pass[i]);
		if (v != NULL)
			shell_assign(f, pass[i], v);
	}
	shell_word(f, bin);
	fputs(" --db", f);
	shell_word(f, db);
	fputs(" --demo", f);
	ck_assert_int_eq(fclose(f), 0);

	char port[16], dest[300];
	snprintf(port, sizeof port, "%d", srv.port);
	snprintf(dest, sizeof dest, "%s@127.0.0.1", srv.login);
	char *argv[] = {
		SSH, "-tt", "-F", "/dev/null", "-p", port, "-i", srv.key,
		"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
		"-o", "EscapeChar=none", "-o", "ConnectTimeout=10",
		"-o", "ControlMaster=no", "-o", "ControlPath=none",
		"-o", "SendEnv=LANG LC_*",
		dest, cmd, NULL};
	vt *t = vt_spawn(argv, terms[term].env, 24, 80, terms[term].encoding);
	ck_assert_msg(t != NULL, "cannot start %s", SSH);
	free(cmd);
	free(bin);
	free(localedir);
	free(formsdir);
	return t;
}

static void
expect(vt *t, const char *text)
{
	if (!vt_wait_text(t, text, WAIT_MS)) {
		vt_dump(t);
		show_log();
		ck_abort_msg("\"%s\" never showed", text);
	}
}

static void
keys(vt *t, const char *k)
{
	ck_assert_int_eq(vt_send_raw(t, k, strlen(k)), 0);
	vt_pump(t, 150);
}

static void
type(vt *t, const char *text)
{
	ck_assert_int_eq(vt_type(t, text), 0);
	vt_pump(t, 150);
}

/* F10 until the program leaves, saying yes when it asks whether to leave
 * a changed form; ssh hands on the program's exit status, which must be 0. */
static void
quit(vt *t)
{
	int status;

	for (int i = 0; i < 8; i++) {
		if (strstr(vt_screen(t), "不保存就离开吗") != NULL)
			type(t, "y");
		else
			keys(t, KEY_F10);
		long long deadline = now_ms() + 3000;
		while (now_ms() < deadline) {
			if (vt_wait_exit(t, 100, &status)) {
				if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
					vt_dump(t);
					show_log();
				}
				ck_assert_msg(WIFEXITED(status), "ssh ended by signal %d",
					      WIFSIGNALED(status) ? WTERMSIG(status) : 0);
				ck_assert_msg(WEXITSTATUS(status) == 0,
					      "the session ended with status %d", WEXITSTATUS(status));
				return;
			}
			if (strstr(vt_screen(t), "不保存就离开吗") != NULL)
				break;
		}
	}
	vt_dump(t);
	show_log();
	ck_abort_msg("the program did not quit over SSH");
}

/* The pid of a process with an argument exactly arg (the database folder,
 * unique to one test), or 0.  Zombies have no arguments: a program that
 * has exited but is not yet reaped counts as ended. */
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
			continue;   /* gone meanwhile */
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

/* --- the test ------------------------------------------------------------ */

START_TEST(test_draft_after_ssh_drop)
{
	if (srv.error[0] != '\0') {
		show_log();
		ck_abort_msg("%s", srv.error);
	}
	char db[PATH_MAX + 16];
	snprintf(db, sizeof db, "%s/db-%d-XXXXXX", srv.dir, _i);
	ck_assert_ptr_nonnull(mkdtemp(db));

	vt *t = login(db, _i);
	expect(t, "居民");
	type(t, "1");
	expect(t, "查找");
	keys(t, KEY_F3);
	expect(t, "新建");
	type(t, "李𡃁花");                  /* 𡃁 U+210C1, outside the BMP */
	keys(t, KEY_TAB);
	type(t, "5104211980");             /* half an ID number, still in the box */
	expect(t, "5104211980");           /* echoed back over the link */
	vt_hangup(t);                      /* the village's link drops */
	int status;
	if (!vt_wait_exit(t, WAIT_MS, &status)) {
		show_log();
		ck_abort_msg("ssh did not end after its terminal hung up");
	}
	vt_free(t);

	/* sshd hangs up the session's terminal: the program must end, and
	 * keep the draft as it goes */
	long long deadline = now_ms() + GONE_MS;
	pid_t left;
	while ((left = process_with_arg(db)) != 0 && now_ms() < deadline)
		sleep_ms(50);
	if (left != 0) {
		show_log();
		kill(left, SIGKILL);
		ck_abort_msg("the program on the server (pid %ld) still runs %d s after the "
			     "link dropped", (long)left, GONE_MS / 1000);
	}

	/* the worker logs in again */
	t = login(db, _i);
	expect(t, "要恢复吗");
	expect(t, "李𡃁花");
	type(t, "y");
	expect(t, "草稿已恢复");
	expect(t, "李𡃁花");
	expect(t, "5104211980");
	quit(t);
	vt_free(t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("ssh");
	TCase *tc = tcase_create("ssh");
	tcase_add_unchecked_fixture(tc, server_setup, server_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_draft_after_ssh_drop, 0, 2);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
