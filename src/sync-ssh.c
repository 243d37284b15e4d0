/* sync-ssh.c: the exchange over OpenSSH: a village PC runs `ssh HOST
 * shegong sync --serve` as a child, writes its file to ssh's input and
 * reads the answer and ssh's messages together (poll, keepalives so a
 * dead link ends the run), then applies the answer; sync_serve is the
 * other end, on the township. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "i18n.h"
#include "orgunit.h"
#include "sync-internal.h"

/* The level whose server answers a file of referrals from a unit of
 * level l: a township's goes to its county's (0: none). */
static int
level_above(int l)
{
	return l == UNIT_TOWNSHIP ? UNIT_COUNTY : l == UNIT_COUNTY ? UNIT_CITY : 0;
}

/* A file of escalated referrals (format 4, h its header) sent up by
 * `sync --up`: taken as `sync --from-file` takes it (sync_apply, with
 * the caller's own rights), then the answer is what that worker would
 * write with `sync --referrals-to FILE --for CODE` for the sender.  Only
 * the level just above the sender takes it here: a file coming down
 * (the county's answer) is for --from-file. */
static int
serve_referrals(store *st, const struct scope *sc, const unsigned char *buf, size_t len,
                const struct sync_header *h, struct sync_stats *in, unsigned char **ans,
                size_t *alen, char *why, size_t whysize)
{
	int above = level_above(orgunit_level_of_code(h->from_unit));
	if (!sc || !above || sc->level != above) {
		sync_why(why, whysize, "%s",
		         _("Escalated referrals come here over ssh from a township's server to its "
		           "county's, logged in as a worker of the county, or from a county's server "
		           "to its city's, logged in as a worker of the city: this account is not "
		           "one. Nothing was taken."));
		return SYNC_ERR_NOPEER;
	}
	int err = sync_apply(st, sc, buf, len, in, NULL, NULL, why, whysize);
	size_t nref = 0, ncarried = 0;
	if (!err)
		err = sync_refer_make(st, sc, h->from_unit, ans, alen, &nref, &ncarried, why, whysize);
	return err;
}

int
sync_serve(store *st, const struct scope *sc, int in_fd, int out_fd, struct sync_stats *in,
           struct sync_stats *out, char *why, size_t whysize)
{
	unsigned char *buf = NULL, *ans = NULL;
	size_t len = 0, alen = 0;
	if (why && whysize)
		*why = '\0';
	int err = sync_file_read_fd(in_fd, &buf, &len, SYNC_MAX_BYTES);
	if (err) {
		free(buf);
		err = err == SYNC_ERR_TOOBIG ? err : SYNC_ERR_SSH;
		sync_why(why, whysize, "%s", sync_strerror(err));
		return err;
	}
	if (sync_is_figures(buf, len)) {
		/* a township's figures (sync-tier.c): the answer is the file's
		 * SHA-256 and whether it had been kept before */
		struct sync_figures got;
		bool already = false;
		unsigned char receipt[33];
		memset(in, 0, sizeof *in);
		memset(out, 0, sizeof *out);
		err = sync_figures_apply(st, sc, buf, len, &got, &already, why, whysize);
		if (!err) {
			free(got.rows);
			memcpy(receipt, buf + len - 32, 32);
			receipt[32] = already;
			if (sync_file_write_fd(out_fd, receipt, sizeof receipt))
				err = SYNC_ERR_SSH;
		}
		free(buf);
		if (err)
			sync_why(why, whysize, "%s", sync_strerror(err));
		return err;
	}
	struct sync_header h;
	if (sync_read_header(buf, len, &h) == 0 && h.format == SYNC_FORMAT_REFER) {
		err = serve_referrals(st, sc, buf, len, &h, in, &ans, &alen, why, whysize);
		free(buf);
		if (!err && sync_file_write_fd(out_fd, ans, alen))
			err = SYNC_ERR_SSH;
		free(ans);
		memset(out, 0, sizeof *out);
		if (err)
			sync_why(why, whysize, "%s", sync_strerror(err));
		return err;
	}
	err = sync_apply(st, sc, buf, len, in, NULL, NULL, why, whysize);
	if (!err)
		err = sync_read_header(buf, len, &h);
	free(buf);
	if (!err)
		err = sync_make(st, sc, in->peer_unit, h.from_site, &ans, &alen, out, NULL, NULL, why,
		                whysize);
	if (!err && sync_file_write_fd(out_fd, ans, alen))
		err = SYNC_ERR_SSH;
	free(ans);
	if (err)
		sync_why(why, whysize, "%s", sync_strerror(err));
	return err;
}

struct ssh_run {
	const unsigned char *send;
	size_t nsend;
	struct strbuf got, err;
	sync_progress_fn progress;
	void *pctx;
	int status;
};

/* Close the pipes' ends still open (-1: never opened). */
static void
close_pipes(int p[3][2])
{
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++)
			if (p[i][j] >= 0)
				close(p[i][j]);
}

/* Run argv with the file on its standard input; its output and error
 * output are collected. */
static int
run_ssh(char **argv, struct ssh_run *sr)
{
	int p[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};   /* its input, output, error output */
	for (int i = 0; i < 3; i++)
		if (pipe(p[i]) < 0) {
			close_pipes(p);
			return SYNC_ERR_SSH;
		}
	pid_t pid = fork();
	if (pid < 0) {
		close_pipes(p);
		return SYNC_ERR_SSH;
	}
	if (pid == 0) {
		dup2(p[0][0], 0);
		dup2(p[1][1], 1);
		dup2(p[2][1], 2);
		close_pipes(p);
		execvp(argv[0], argv);
		dprintf(2, "shegong: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[0][0]);
	close(p[1][1]);
	close(p[2][1]);
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	int fin = p[0][1], fout = p[1][0], ferr = p[2][0];
	fcntl(fin, F_SETFL, fcntl(fin, F_GETFL) | O_NONBLOCK);
	size_t sent = 0;
	if (sr->nsend == 0) {
		close(fin);
		fin = -1;
	}
	int rc = 0;
	while (fout >= 0 || ferr >= 0) {
		struct pollfd pf[3];
		int np = 0, iin = -1, iout = -1, ierr = -1;
		if (fin >= 0) {
			pf[np] = (struct pollfd){fin, POLLOUT, 0};
			iin = np++;
		}
		if (fout >= 0) {
			pf[np] = (struct pollfd){fout, POLLIN, 0};
			iout = np++;
		}
		if (ferr >= 0) {
			pf[np] = (struct pollfd){ferr, POLLIN, 0};
			ierr = np++;
		}
		if (poll(pf, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			rc = SYNC_ERR_SSH;
			break;
		}
		if (iin >= 0 && pf[iin].revents) {
			ssize_t w = write(fin, sr->send + sent, sr->nsend - sent);
			if (w > 0)
				sent += (size_t)w;
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				sent = sr->nsend;   /* the other end went: its status says why */
			if (sent == sr->nsend) {
				close(fin);
				fin = -1;
			}
			if (sr->progress)
				sr->progress(3, sent, sr->nsend, sr->pctx);
		}
		int fds[2] = {iout, ierr};
		for (int k = 0; k < 2; k++) {
			int i = fds[k];
			if (i < 0 || !pf[i].revents)
				continue;
			unsigned char chunk[65536];
			ssize_t n = read(pf[i].fd, chunk, sizeof chunk);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				close(pf[i].fd);
				if (k == 0)
					fout = -1;
				else
					ferr = -1;
				continue;
			}
			struct strbuf *into = k == 0 ? &sr->got : &sr->err;
			if ((size_t)n > SYNC_MAX_BYTES - into->len) {
				rc = SYNC_ERR_TOOBIG;   /* no answer is this big: stop it */
				kill(pid, SIGTERM);
				break;
			}
			sb_add(into, chunk, (size_t)n);
		}
		if (rc)
			break;
	}
	if (fin >= 0)
		close(fin);
	if (fout >= 0)
		close(fout);
	if (ferr >= 0)
		close(ferr);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	signal(SIGPIPE, old);
	sr->status = WIFEXITED(status) ? WEXITSTATUS(status) : 255;
	if (sr->got.failed || sr->err.failed)
		return STORE_NOMEM;
	return rc;
}

/* Run `ssh HOST shegong sync --serve` (ssh_cmd: the ssh command with its
 * options, split at spaces) with sr's file on its input. */
static int
ssh_serve(const char *ssh_cmd, const char *host, const char *remote_db, struct ssh_run *sr)
{
	char *cmd = strdup(ssh_cmd && *ssh_cmd ? ssh_cmd : "ssh");
	char *remote = NULL;
	char **argv = calloc(strlen(cmd ? cmd : "") / 2 + 16, sizeof *argv);
	if (!cmd || !argv ||
	    asprintf(&remote, "shegong%s%s sync --serve", remote_db ? " --db " : "",
	             remote_db ? remote_db : "") < 0) {
		free(cmd);
		free(argv);
		return STORE_NOMEM;
	}
	int argc = 0;
	char *save = NULL;
	for (char *w = strtok_r(cmd, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc++] = "-o";
	argv[argc++] = "ServerAliveInterval=15";
	argv[argc++] = "-o";
	argv[argc++] = "ServerAliveCountMax=4";
	argv[argc++] = "--";
	argv[argc++] = (char *)host;
	argv[argc++] = remote;
	argv[argc] = NULL;
	int err = run_ssh(argv, sr);
	free(remote);
	free(argv);
	free(cmd);
	return err;
}

/* The failure of a run: ssh's own (255, 127) or the other side's, whose
 * last lines say why. */
static int
ssh_failed(int err, struct ssh_run *sr, char *why, size_t whysize)
{
	if (!err && sr->status != 0)
		err = sr->status == 255 || sr->status == 127 ? SYNC_ERR_SSH : SYNC_ERR_REMOTE;
	if (err && sr->err.len && !sr->err.failed && why && whysize) {
		char *msg = sr->err.p;
		size_t k = strlen(msg);
		while (k && (msg[k - 1] == '\n' || msg[k - 1] == '\r'))
			msg[--k] = '\0';
		snprintf(why, whysize, "%s\n%s", sync_strerror(err), msg);
	}
	return err;
}

int
sync_figures_ssh(store *st, const struct scope *sc, const char *host, const char *ssh_cmd,
                 const char *remote_db, size_t *rows, bool *already, char *why, size_t whysize)
{
	if (why && whysize)
		*why = '\0';
	*already = false;
	if (!host || !*host || host[0] == '-') {
		sync_why(why, whysize, "%s", sync_strerror(SYNC_ERR_NOPEER));
		return SYNC_ERR_NOPEER;
	}
	unsigned char *file;
	size_t len;
	int err = sync_figures_make(st, sc, &file, &len, rows, why, whysize);
	if (err)
		return err;
	struct ssh_run sr = {file, len, {0}, {0}, NULL, NULL, 0};
	err = ssh_failed(ssh_serve(ssh_cmd, host, remote_db, &sr), &sr, why, whysize);
	/* the county's receipt: this file's SHA-256, and whether it had it */
	if (!err && (sr.got.len != 33 || memcmp(sr.got.p, file + len - 32, 32) != 0))
		err = SYNC_ERR_SSH;
	if (!err)
		*already = sr.got.p[32] != 0;
	free(file);
	sb_free(&sr.got);
	sb_free(&sr.err);
	if (err)
		sync_why(why, whysize, "%s", sync_strerror(err));
	return err;
}

int
sync_refer_ssh(store *st, const struct scope *sc, const char *host, const char *ssh_cmd,
               const char *remote_db, size_t *nref, struct sync_stats *down, char *why,
               size_t whysize)
{
	if (why && whysize)
		*why = '\0';
	*nref = 0;
	memset(down, 0, sizeof *down);
	if (!host || !*host || host[0] == '-') {
		sync_why(why, whysize, "%s", sync_strerror(SYNC_ERR_NOPEER));
		return SYNC_ERR_NOPEER;
	}
	unsigned char *file;
	size_t len, ncarried = 0;
	int err = sync_refer_make(st, sc, NULL, &file, &len, nref, &ncarried, why, whysize);
	if (err || *nref == 0) {
		/* none escalated: none to carry, no answer to bring back */
		free(file);
		return err;
	}
	struct ssh_run sr = {file, len, {0}, {0}, NULL, NULL, 0};
	err = ssh_failed(ssh_serve(ssh_cmd, host, remote_db, &sr), &sr, why, whysize);
	free(file);
	struct sync_header h;
	/* the answer: the county's file of format 4 for this township, taken
	 * as --from-file takes it (checked whole, merged, notices kept) */
	if (!err && (sr.got.len == 0 || sync_read_header((unsigned char *)sr.got.p, sr.got.len, &h) ||
	             h.format != SYNC_FORMAT_REFER || strcmp(h.to_unit, sc->unit_code) != 0))
		err = SYNC_ERR_SSH;
	if (!err)
		err = sync_apply(st, sc, (unsigned char *)sr.got.p, sr.got.len, down, NULL, NULL, why,
		                 whysize);
	sb_free(&sr.got);
	sb_free(&sr.err);
	if (err)
		sync_why(why, whysize, "%s", sync_strerror(err));
	return err;
}

static int
host_txn(store_txn *t, void *ctx)
{
	const char *host = ctx;
	return store_meta_put(t, "sync/host", host, strlen(host));
}

int
sync_ssh(store *st, const struct scope *sc, const char *host, const char *ssh_cmd,
         const char *remote_db, struct sync_stats *up, struct sync_stats *down,
         sync_progress_fn progress, void *pctx, char *why, size_t whysize)
{
	if (why && whysize)
		*why = '\0';
	struct sync_stats u0, d0;
	if (!up)
		up = &u0;
	if (!down)
		down = &d0;
	memset(down, 0, sizeof *down);
	if (!host || !*host || host[0] == '-') {
		sync_why(why, whysize, "%s", sync_strerror(SYNC_ERR_NOPEER));
		return SYNC_ERR_NOPEER;
	}
	unsigned char *file;
	size_t len;
	int err = sync_make(st, sc, NULL, 0, &file, &len, up, progress, pctx, why, whysize);
	if (err) {
		sync_why(why, whysize, "%s", sync_strerror(err));
		return err;
	}
	struct ssh_run sr = {file, len, {0}, {0}, progress, pctx, 0};
	err = ssh_serve(ssh_cmd, host, remote_db, &sr);
	free(file);
	if (!err && sr.status != 0) {
		/* ssh's own failures are 255; anything else is the other side's refusal */
		err = sr.status == 255 || sr.status == 127 ? SYNC_ERR_SSH : SYNC_ERR_REMOTE;
	}
	if (err) {
		if (sr.err.len && why && whysize) {
			char *msg = sr.err.failed ? NULL : sr.err.p;
			/* the other side's last line says why */
			if (msg) {
				size_t k = strlen(msg);
				while (k && (msg[k - 1] == '\n' || msg[k - 1] == '\r'))
					msg[--k] = '\0';
				snprintf(why, whysize, "%s\n%s", sync_strerror(err), msg);
			}
		}
		sb_free(&sr.got);
		sb_free(&sr.err);
		sync_why(why, whysize, "%s", sync_strerror(err));
		return err;
	}
	sb_free(&sr.err);
	if (sr.got.len == 0) {
		sb_free(&sr.got);
		sync_why(why, whysize, "%s", sync_strerror(SYNC_ERR_SSH));
		return SYNC_ERR_SSH;
	}
	err = sync_apply(st, sc, (unsigned char *)sr.got.p, sr.got.len, down, progress, pctx, why,
	                 whysize);
	sb_free(&sr.got);
	if (!err)
		err = store_write(st, host_txn, (void *)host);
	return err;
}
