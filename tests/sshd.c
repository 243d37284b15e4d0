/* sshd.c: a real OpenSSH server on 127.0.0.1 for the SSH tests (sshd.h). */
#include "config.h"

#include "sshd.h"

#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
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
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define USERDEL "/usr/sbin/userdel"
#define GROUPDEL "/usr/sbin/groupdel"

struct sshd_server sshd;

/* --- small helpers ---------------------------------------------------- */

long long
sshd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
sshd_sleep_ms(int ms)
{
	poll(NULL, 0, ms);
}

void
sshd_error(const char *fmt, ...)
{
	va_list ap;

	if (sshd.error[0] != '\0')
		return;   /* the first fault is the one that matters */
	va_start(ap, fmt);
	vsnprintf(sshd.error, sizeof sshd.error, fmt, ap);
	va_end(ap);
}

bool
sshd_have(const char *const tools[], size_t n, const char *packages)
{
	for (size_t i = 0; i < n; i++) {
		if (access(tools[i], X_OK) != 0) {
			sshd_error("%s is missing: this test needs %s", tools[i], packages);
			return false;
		}
	}
	return true;
}

bool
sshd_write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return false;
	bool ok = fputs(text, f) >= 0;
	return fclose(f) == 0 && ok && (mode == 0 || chmod(path, mode) == 0);
}

void
sshd_show_log(void)
{
	FILE *f = fopen(sshd.log, "r");
	if (f == NULL)
		return;
	if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > 6000)
		fseek(f, -6000, SEEK_END);
	else
		rewind(f);
	fprintf(stderr, "--- %s (end) ---\n", sshd.log);
	char buf[512];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		fwrite(buf, 1, n, stderr);
	fprintf(stderr, "---\n");
	fclose(f);
}

void
sshd_need(void)
{
	if (sshd.error[0] != '\0') {
		sshd_show_log();
		ck_abort_msg("%s", sshd.error);
	}
}

int
sshd_run(const char *login, char *const env[], char *const argv[], char **out)
{
	int fds[2];
	if (out != NULL)
		*out = NULL;   /* stays so (printed "(null)") when it did not run */
	if (out != NULL && pipe(fds) != 0)
		return -1;
	uid_t uid = 0;
	gid_t gid = 0;
	char home[PATH_MAX + 8] = "";
	if (login != NULL) {
		struct passwd *pw = getpwnam(login);
		if (pw == NULL)
			return -1;
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		snprintf(home, sizeof home, "HOME=%s", pw->pw_dir);
	}
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int in = open("/dev/null", O_RDONLY);
		int o = out != NULL ? fds[1] : open(sshd.log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (in < 0 || o < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 || dup2(o, 2) < 0)
			_exit(127);
		if (out != NULL)
			close(fds[0]);
		if (login != NULL &&
		    (initgroups(login, gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0 ||
		     chdir("/") != 0 || putenv(home) != 0))
			_exit(126);
		for (size_t i = 0; env != NULL && env[i] != NULL; i++)
			if (putenv(env[i]) != 0)
				_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	if (out != NULL) {
		close(fds[1]);
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		char chunk[4096];
		ssize_t n;
		while ((n = read(fds[0], chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
			if (n > 0 && m != NULL)
				fwrite(chunk, 1, (size_t)n, m);
		close(fds[0]);
		if (m != NULL)
			fclose(m);
		*out = buf != NULL ? buf : strdup("");
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* --- the folder, the data, the keys ------------------------------------- */

static bool
dir_in(const char *tmp, const char *name, bool open_to_all)
{
	char tmpl[PATH_MAX];
	snprintf(tmpl, sizeof tmpl, "%s/%s-XXXXXX", tmp, name);
	if (mkdtemp(tmpl) == NULL || realpath(tmpl, sshd.dir) == NULL ||
	    (open_to_all && chmod(sshd.dir, 0755) != 0)) {
		sshd_error("cannot make a folder %s: %s", tmpl, strerror(errno));
		sshd.dir[0] = '\0';
		return false;
	}
	snprintf(sshd.log, sizeof sshd.log, "%s/log", sshd.dir);
	return true;
}

bool
sshd_make_dir(const char *name, bool setgid)
{
	const char *tmp = getenv("TMPDIR");
	if (!setgid)
		return dir_in(tmp && *tmp ? tmp : "/tmp", name, false);
	const char *tries[] = {tmp, "/tmp", "/var/tmp"};
	for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
		struct statvfs vfs;
		if (tries[i] == NULL || *tries[i] != '/' || statvfs(tries[i], &vfs) != 0 ||
		    (vfs.f_flag & ST_NOSUID))
			continue;
		return dir_in(tries[i], name, true);
	}
	sshd_error("no folder for the test where setgid works ($TMPDIR, /tmp and /var/tmp "
		   "are mounted nosuid)");
	return false;
}

bool
sshd_copy_data(char *forms, size_t forms_size, char *locale, size_t locale_size)
{
	const char *from_forms = getenv("SHEGONG_FORMSDIR");
	const char *from_locale = getenv("SHEGONG_LOCALEDIR");
	if (from_forms == NULL || from_locale == NULL) {
		sshd_error("SHEGONG_FORMSDIR and SHEGONG_LOCALEDIR must be set (make check sets them)");
		return false;
	}
	char from[PATH_MAX + 8], from2[PATH_MAX + 8];
	snprintf(forms, forms_size, "%s/forms", sshd.dir);
	snprintf(locale, locale_size, "%s/locale", sshd.dir);
	snprintf(from, sizeof from, "%s/.", from_forms);
	snprintf(from2, sizeof from2, "%s/.", from_locale);
	char *cp1[] = {"/bin/cp", "-R", from, forms, NULL};
	char *cp2[] = {"/bin/cp", "-R", from2, locale, NULL};
	/* the build tree's modes may be anything: root's, read-only to others */
	char *ch[] = {"/bin/chmod", "-R", "u+rwX,go=rX", forms, locale, NULL};
	char *co[] = {"/bin/chown", "-R", "root:root", forms, locale, NULL};
	if (mkdir(forms, 0755) != 0 || mkdir(locale, 0755) != 0 ||
	    sshd_run(NULL, NULL, cp1, NULL) != 0 || sshd_run(NULL, NULL, cp2, NULL) != 0 ||
	    sshd_run(NULL, NULL, ch, NULL) != 0 || sshd_run(NULL, NULL, co, NULL) != 0) {
		sshd_error("cannot copy %s and %s into %s", from_forms, from_locale, sshd.dir);
		return false;
	}
	return true;
}

bool
sshd_keys(void)
{
	snprintf(sshd.hostkey, sizeof sshd.hostkey, "%s/host_key", sshd.dir);
	snprintf(sshd.key, sizeof sshd.key, "%s/client_key", sshd.dir);
	snprintf(sshd.pub, sizeof sshd.pub, "%s.pub", sshd.key);
	char *hk[] = {SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "shegong-test-host",
		      "-f", sshd.hostkey, NULL};
	char *ck[] = {SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-C", "shegong-test-client",
		      "-f", sshd.key, NULL};
	if (sshd_run(NULL, NULL, hk, NULL) != 0 || sshd_run(NULL, NULL, ck, NULL) != 0) {
		sshd_error("ssh-keygen failed (see %s)", sshd.log);
		return false;
	}
	return true;
}

/* --- the server --------------------------------------------------------- */

/* A port on 127.0.0.1 that nobody listens on now: the kernel picks it. */
int
sshd_free_port(void)
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
start_on(int port)
{
	char portstr[16];
	snprintf(portstr, sizeof portstr, "%d", port);
	char portstr2[16];
	snprintf(portstr2, sizeof portstr2, "%d", sshd.files_port);
	char *argv[] = {SSHD, "-D", "-e", "-f", sshd.config, "-p", portstr,
			sshd.files_port > 0 ? "-p" : NULL, portstr2, NULL};
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
		int out = open(sshd.log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	long long deadline = sshd_now_ms() + SSHD_LISTEN_MS;
	while (sshd_now_ms() < deadline) {
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid)
			return false;
		if (port_accepts(port) && (sshd.files_port <= 0 || port_accepts(sshd.files_port))) {
			sshd.pid = pid;
			sshd.port = port;
			return true;
		}
		sshd_sleep_ms(50);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return false;
}

bool
sshd_start(const char *head, const char *authorized_keys, const char *extra, int fallback)
{
	snprintf(sshd.config, sizeof sshd.config, "%s/sshd_config", sshd.dir);
	char *text;
	if (asprintf(&text,
		     "%s"
		     "ListenAddress 127.0.0.1\n"
		     "HostKey %s\n"
		     "PidFile %s/sshd.pid\n"
		     "AuthorizedKeysFile %s\n"
		     "PubkeyAuthentication yes\n"
		     "PasswordAuthentication no\n"
		     "KbdInteractiveAuthentication no\n"
		     "PermitRootLogin prohibit-password\n"
		     "StrictModes no\n"
		     "UsePAM no\n"
		     "PrintMotd no\n"
		     "PrintLastLog no\n"
		     "%s"
		     "LoginGraceTime 30\n"
		     "LogLevel INFO\n",
		     head ? head : "", sshd.hostkey, sshd.dir, authorized_keys,
		     extra ? extra : "") < 0) {
		sshd_error("out of memory");
		return false;
	}
	bool ok = sshd_write_file(sshd.config, text, 0);
	free(text);
	if (!ok) {
		sshd_error("cannot write %s: %s", sshd.config, strerror(errno));
		return false;
	}
	/* sshd started by root wants its privilege separation folder */
	if (geteuid() == 0 && mkdir("/run/sshd", 0755) != 0 && errno != EEXIST) {
		sshd_error("cannot make /run/sshd: %s", strerror(errno));
		return false;
	}
	int tries[] = {sshd_free_port(), sshd_free_port(), fallback + (int)(getpid() % 1000),
		       fallback + 1000};
	for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++)
		if (tries[i] > 0 && start_on(tries[i]))
			return true;
	sshd_error("sshd did not start listening on 127.0.0.1 (see its log in the test output)");
	return false;
}

bool
sshd_township_init(struct sshd_township *tw, const char *name, const char *group,
		   const char *wgroup, int (*script)(char *const args[]))
{
	if (!sshd_make_dir(name, true))
		return false;
	snprintf(tw->bin, sizeof tw->bin, "%s/bin/shegong", sshd.dir);
	snprintf(tw->data, sizeof tw->data, "%s/data", sshd.dir);
	if (tw->files_port > 0) {
		/* sshd chroots only below folders that are root's and writable by
		 * root alone, all the way up: not /tmp (1777) */
		const char *tries[] = {"/var/lib", "/srv", "/opt"};
		for (size_t i = 0; i < sizeof tries / sizeof tries[0] && !sshd.datadir[0]; i++) {
			struct stat st;
			char tmpl[PATH_MAX];
			snprintf(tmpl, sizeof tmpl, "%s/%s-XXXXXX", tries[i], name);
			if (stat(tries[i], &st) != 0 || st.st_uid != 0 || (st.st_mode & 022) ||
			    mkdtemp(tmpl) == NULL)
				continue;
			snprintf(sshd.datadir, sizeof sshd.datadir, "%s", tmpl);
		}
		if (!sshd.datadir[0] || chmod(sshd.datadir, 0755) != 0) {
			sshd_error("no folder for the data where sshd may chroot (/var/lib, /srv, /opt)");
			return false;
		}
		snprintf(tw->data, sizeof tw->data, "%s/data", sshd.datadir);
		sshd.files_port = tw->files_port;
	}
	snprintf(tw->db, sizeof tw->db, "%s/db", tw->data);
	snprintf(tw->sshd_conf, sizeof tw->sshd_conf, "%s/sshd_config.d/shegong.conf", sshd.dir);
	snprintf(tw->keys, sizeof tw->keys, "%s/keys", sshd.dir);
	if (!sshd_copy_data(tw->forms, sizeof tw->forms, tw->locale, sizeof tw->locale))
		return false;

	/* the program: a copy of the build's, which the script makes setgid */
	const char *built = getenv("SHEGONG_BIN");
	char bindir[PATH_MAX + 8];
	snprintf(bindir, sizeof bindir, "%s/bin", sshd.dir);
	char *cp[] = {"/bin/cp", (char *)(built && *built ? built : "../src/shegong"), tw->bin,
		      NULL};
	if (mkdir(bindir, 0755) != 0 || sshd_run(NULL, NULL, cp, NULL) != 0) {
		sshd_error("cannot copy the program into %s", bindir);
		return false;
	}

	char units[PATH_MAX + 16], sshd_dir[PATH_MAX + 32];
	snprintf(units, sizeof units, "%s/units.txt", sshd.dir);
	snprintf(sshd_dir, sizeof sshd_dir, "%s/sshd_config.d", sshd.dir);
	if (!sshd_write_file(units, "510421100 攀莲镇\n510421100001 安宁村\n510421100002 新华村\n",
			     0644)) {
		sshd_error("cannot write %s", units);
		return false;
	}
	char fport[16];
	snprintf(fport, sizeof fport, "%d", tw->files_port);
	char *init[] = {"init", "--county", "510421", "米易县", "--units", units,
			"--data", tw->data, "--bin", tw->bin, "--group", (char *)group,
			"--workers-group", (char *)wgroup, "--sshd-dir", sshd_dir,
			tw->files_port > 0 ? "--files-port" : NULL, fport, NULL};
	int rc = script(init);
	sshd_own_group(group);
	sshd_own_group(wgroup);
	if (rc != 0) {
		sshd_error("township-setup.sh init failed with status %d (see the log)", rc);
		return false;
	}
	if (!sshd_keys())
		return false;
	if (mkdir(tw->keys, 0755) != 0) {
		sshd_error("cannot make %s: %s", tw->keys, strerror(errno));
		return false;
	}
	return true;
}

bool
sshd_start_township(const struct sshd_township *tw, int fallback)
{
	char *head, *authorized, *extra;
	if (asprintf(&head, "Include %s\n", tw->sshd_conf) < 0)
		head = NULL;
	if (asprintf(&authorized, ".ssh/authorized_keys %s/%%u", tw->keys) < 0)
		authorized = NULL;
	/* Debian's sshd_config names sftp's subsystem; the Match of the files
	 * port needs one to be named (any: its ForceCommand runs instead) */
	if (asprintf(&extra, "SetEnv SHEGONG_FORMSDIR=%s SHEGONG_LOCALEDIR=%s\n"
		     "Subsystem sftp /usr/lib/openssh/sftp-server\n", tw->forms, tw->locale) < 0)
		extra = NULL;
	bool ok = false;
	if (head == NULL || authorized == NULL || extra == NULL)
		sshd_error("out of memory");
	else
		ok = sshd_start(head, authorized, extra, fallback);
	free(head);
	free(authorized);
	free(extra);
	return ok;
}

int
sshd_script(const char *path, char *const env[], char *const args[])
{
	char *argv[32] = {"/bin/sh", (char *)path};
	size_t n = 2;
	for (size_t i = 0; args[i] != NULL && n < sizeof argv / sizeof argv[0] - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	FILE *f = fopen(sshd.log, "a");
	if (f != NULL) {
		const char *name = strrchr(path, '/');
		fprintf(f, "+ %s", name != NULL ? name + 1 : path);
		for (size_t i = 2; i < n; i++)
			fprintf(f, " %s", argv[i]);
		fprintf(f, "\n");
		fclose(f);
	}
	return sshd_run(NULL, env, argv, NULL);
}

bool
sshd_names_free(const char *const groups[], const char *const logins[])
{
	for (size_t i = 0; groups[i] != NULL; i++) {
		if (getgrnam(groups[i]) != NULL) {
			sshd_error("the group %s exists already (left by an earlier run?)", groups[i]);
			return false;
		}
	}
	for (size_t i = 0; logins[i] != NULL; i++) {
		if (getpwnam(logins[i]) != NULL) {
			sshd_error("the account %s exists already (left by an earlier run?)",
				   logins[i]);
			return false;
		}
	}
	return true;
}

void
sshd_own_login(const char *login)
{
	if (sshd.nlogins < SSHD_MADE && getpwnam(login) != NULL)
		snprintf(sshd.login[sshd.nlogins++], sizeof sshd.login[0], "%s", login);
}

void
sshd_own_group(const char *group)
{
	if (sshd.ngroups < SSHD_MADE && getgrnam(group) != NULL)
		snprintf(sshd.group[sshd.ngroups++], sizeof sshd.group[0], "%s", group);
}

/* --- the teardown --------------------------------------------------------- */

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Kill what still runs as uid (a program a failed test left). */
static void
kill_uid(uid_t uid)
{
	DIR *d = opendir("/proc");
	if (d == NULL)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end != '\0' || pid <= 0)
			continue;
		char path[64];
		struct stat st;
		snprintf(path, sizeof path, "/proc/%ld", pid);
		if (stat(path, &st) == 0 && st.st_uid == uid)
			kill((pid_t)pid, SIGKILL);
	}
	closedir(d);
}

void
sshd_teardown(void)
{
	if (sshd.pid > 0) {
		kill(sshd.pid, SIGTERM);
		long long deadline = sshd_now_ms() + 5000;
		while (waitpid(sshd.pid, NULL, WNOHANG) == 0 && sshd_now_ms() < deadline)
			sshd_sleep_ms(20);
		if (sshd_now_ms() >= deadline) {
			kill(sshd.pid, SIGKILL);
			waitpid(sshd.pid, NULL, 0);
		}
		sshd.pid = 0;
	}
	/* only what this test made: the names were checked to be free before */
	for (int i = 0; i < sshd.nlogins; i++) {
		struct passwd *pw = getpwnam(sshd.login[i]);
		if (pw != NULL)
			kill_uid(pw->pw_uid);
		char *argv[] = {USERDEL, "-f", "-r", sshd.login[i], NULL};
		sshd_run(NULL, NULL, argv, NULL);
	}
	sshd.nlogins = 0;
	while (sshd.ngroups > 0) {
		char *argv[] = {GROUPDEL, sshd.group[--sshd.ngroups], NULL};
		sshd_run(NULL, NULL, argv, NULL);
	}
	if (sshd.dir[0] != '\0' && (sshd.keep_env == NULL || getenv(sshd.keep_env) == NULL)) {
		nftw(sshd.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		sshd.dir[0] = '\0';
		if (sshd.datadir[0] != '\0')
			nftw(sshd.datadir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
		sshd.datadir[0] = '\0';
	}
}

/* --- the client --------------------------------------------------------- */

void
sshd_ssh_argv(char *argv[SSHD_ARGV], char port[16], char dest[300], const char *login,
	      bool tty, const char *opt, const char *command)
{
	snprintf(port, 16, "%d", sshd.port);
	snprintf(dest, 300, "%s@127.0.0.1", login);
	char *const fixed[] = {
		SSH, tty ? "-tt" : "-T", "-F", "/dev/null", "-p", port, "-i", sshd.key,
		"-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
		"-o", "EscapeChar=none", "-o", "ConnectTimeout=10",
		"-o", "ControlMaster=no", "-o", "ControlPath=none"};
	size_t n = 0;
	for (; n < sizeof fixed / sizeof fixed[0]; n++)
		argv[n] = fixed[n];
	if (opt != NULL) {
		argv[n++] = "-o";
		argv[n++] = (char *)opt;
	}
	argv[n++] = dest;
	if (command != NULL)
		argv[n++] = (char *)command;
	argv[n] = NULL;
}
