/* sshd.h: a real OpenSSH server on 127.0.0.1 for the tests that log in
 * over SSH (check-ssh.c, check-township.c, check-syncssh.c).  The test's
 * unchecked fixture, in Check's parent process, makes a folder, keys and
 * a config, starts sshd on a free port, and records the accounts and
 * groups it makes; sshd_teardown (the fixture's other half) stops sshd
 * and removes all of it, even when a test failed: a failed test in a
 * forked child runs neither its teardown nor atexit, so only the parent
 * can be trusted with it.  Set-up faults are kept in sshd.error (no
 * ck_assert in the parent, where it has no test to fail); every test
 * starts with sshd_need(), which fails with it. */
#ifndef SHEGONG_TEST_SSHD_H
#define SHEGONG_TEST_SSHD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SSHD "/usr/sbin/sshd"
#define SSH "/usr/bin/ssh"
#define SSH_KEYGEN "/usr/bin/ssh-keygen"

#define SSHD_LISTEN_MS 10000   /* sshd to accept connections */
#define SSHD_MADE 8            /* accounts (and groups) one test may make */
#define SSHD_ARGV 48           /* room in an sshd_ssh_argv array */

struct sshd_server {
	char dir[PATH_MAX];           /* everything of the test; removed at the end */
	char log[PATH_MAX + 32];      /* sshd's (and the commands') output */
	char key[PATH_MAX + 32];      /* the client's private key */
	char pub[PATH_MAX + 48];      /* its public half */
	char hostkey[PATH_MAX + 32];
	char config[PATH_MAX + 32];   /* the sshd_config sshd_start wrote */
	const char *keep_env;         /* the folder stays when this is set in the environment */
	int port;
	int files_port;               /* a second port sshd listens on, when not 0 */
	char datadir[PATH_MAX];       /* a township's data outside dir (or ""); removed too */
	pid_t pid;
	char login[SSHD_MADE][32];    /* accounts made, removed by the teardown */
	int nlogins;
	char group[SSHD_MADE][32];    /* groups made, removed (last first) after them */
	int ngroups;
	char error[1024];             /* why there is no server: every test fails with it */
};
extern struct sshd_server sshd;

/* A server as tools/township-setup.sh makes it, in sshd.dir. */
struct sshd_township {
	char bin[PATH_MAX + 32];   /* the setgid copy of the program */
	char data[PATH_MAX + 32];  /* the data folder; the database is data/db */
	char db[PATH_MAX + 64];
	char forms[PATH_MAX + 32]; /* root's copies of the forms and catalogues */
	char locale[PATH_MAX + 32];
	char sshd_conf[PATH_MAX + 32];  /* the Match/ForceCommand file the script wrote */
	char keys[PATH_MAX + 16];  /* the keys folder: keys/LOGIN */
	/* Set before sshd_township_init: the SFTP port (init --files-port),
	 * sshd listening there too; the data folder then lies where every
	 * folder on its way is root's (sshd's ChrootDirectory), not in /tmp. */
	int files_port;
};

long long sshd_now_ms(void);
/* A port on 127.0.0.1 that nobody listens on now (-1 when none). */
int sshd_free_port(void);
void sshd_sleep_ms(int ms);

/* Keep the first set-up fault in sshd.error (later ones are its effects). */
void sshd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* True when every one of the n tools can be run; else the error names the
 * first missing one and the packages that bring them. */
bool sshd_have(const char *const tools[], size_t n, const char *packages);
/* Write text into path, with mode (0: as created). */
bool sshd_write_file(const char *path, const char *text, mode_t mode);
/* The last part of the log on stderr, for a failing test. */
void sshd_show_log(void);
/* In a test: fail with the set-up's fault, if any (the log shown). */
void sshd_need(void);

/* Run argv[0], as the account login when not NULL (its uid, gid and
 * groups, as a login gets them, without PAM; HOME its home; in /), with
 * env added to the environment ("NAME=value"); stdin /dev/null.  Its
 * output (stdout and stderr) goes to *out (malloc'd, NUL-ended; NULL when
 * it did not run) when out is not NULL, else to the log.  Returns the exit
 * status, or -1 when it did not run or ended by a signal. */
int sshd_run(const char *login, char *const env[], char *const argv[], char **out);

/* The test's folder, $TMPDIR/name-XXXXXX (else /tmp), with the log in
 * it.  setgid: the first of $TMPDIR, /tmp and /var/tmp not mounted
 * nosuid, made 0755 so that other accounts can pass. */
bool sshd_make_dir(const char *name, bool setgid);
/* Copies of the uninstalled forms and catalogues ($SHEGONG_FORMSDIR,
 * $SHEGONG_LOCALEDIR) in the folder's forms and locale, root's and
 * read-only to others: a setgid program follows them only to folders
 * that root alone controls, which the build tree need not be. */
bool sshd_copy_data(char *forms, size_t forms_size, char *locale, size_t locale_size);
/* The host key and the client's key pair (ed25519, no passphrase). */
bool sshd_keys(void);
/* Write the folder's sshd_config and start sshd on a free port of
 * 127.0.0.1 (the kernel's choice; should it be taken between the look
 * and sshd's bind, fallback + pid % 1000, then fallback + 1000); wait
 * until it accepts connections.  The config: head's lines first (an
 * Include), key-only logins with authorized_keys as AuthorizedKeysFile,
 * no PAM, no StrictModes, no motd, then extra's lines. */
bool sshd_start(const char *head, const char *authorized_keys, const char *extra,
		int fallback);
/* sshd for a server as tools/township-setup.sh makes it: the script's
 * Match/ForceCommand file include at the top, as Debian's sshd_config
 * includes sshd_config.d; a login's keys in ~/.ssh/authorized_keys or
 * tw->keys/LOGIN; tw's forms and locale for every session (SetEnv: a setgid
 * program cannot read ASAN_OPTIONS, see main.c); no LANG from anywhere. */
bool sshd_start_township(const struct sshd_township *tw, int fallback);
/* The test's folder (sshd_make_dir(name, true)), the forms and
 * catalogues (sshd_copy_data), a copy of the build's program that the
 * script makes setgid, `script init` (the test's runner of the setup
 * script) for county 510421 米易县 with 攀莲镇 (510421100) and its
 * villages 安宁村 (…001) and 新华村 (…002), the groups group and wgroup
 * (recorded for the teardown); then the keys (sshd_keys) and an empty
 * keys folder. */
bool sshd_township_init(struct sshd_township *tw, const char *name, const char *group,
			const char *wgroup, int (*script)(char *const args[]));
/* Run the shell script at path with args (NULL-ended) and env added; its
 * output in the log, after a "+ script args" line.  Its exit status. */
int sshd_script(const char *path, char *const env[], char *const args[]);
/* True when none of the groups and accounts (NULL-ended lists) exists
 * yet: whatever has those names later is the test's.  Else the error
 * names the first that does. */
bool sshd_names_free(const char *const groups[], const char *const logins[]);
/* Record an account or a group the set-up made (when it exists now), for
 * the teardown to remove. */
void sshd_own_login(const char *login);
void sshd_own_group(const char *group);
/* Stop sshd, kill what still runs as the recorded accounts, remove them,
 * the groups and the folder (unless sshd.keep_env is set). */
void sshd_teardown(void);

/* ssh's arguments to log in on the test's sshd as login with the test's
 * key: -tt (tty) or -T, no config, no known hosts, batch mode, no escape
 * character, no multiplexing; opt ("-o" opt) when not NULL; then command
 * when not NULL (none: as PuTTY does).  port and dest are the buffers
 * argv points into. */
void sshd_ssh_argv(char *argv[SSHD_ARGV], char port[16], char dest[300], const char *login,
		   bool tty, const char *opt, const char *command);

#endif
