/* printout.c: a document's bytes for paper (printout.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "printout.h"
#include "text.h"
#include "util.h"

static const char *const way_names[PRINTOUT_NWAYS] = {"terminal", "file", "lp", "pdf"};

const char *
printout_way_name(enum printout_way w)
{
	return (unsigned)w < PRINTOUT_NWAYS ? way_names[w] : "?";
}

int
printout_way_parse(const char *s)
{
	for (int i = 0; s && i < PRINTOUT_NWAYS; i++)
		if (strcmp(s, way_names[i]) == 0)
			return i;
	return -1;
}

/* The length of the UTF-8 sequence led by c (1 for a stray byte). */
static size_t
lead_len(unsigned char c)
{
	return c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? (c < 0xF0 ? 3 : 1) : c >= 0xC2 ? 2 : 1;
}

int
printout_bytes(const char *text, const char *codeset, bool media_copy, char **out,
               size_t *outlen)
{
	*out = NULL;
	*outlen = 0;
	/* first the text as it goes, in UTF-8: CR LF, controls blanked */
	struct strbuf in = {0};
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p == '\n')
			sb_add(&in, "\r\n", 2);
		else if (*p == '\f')
			sb_add(&in, "\f", 1);
		else if (*p == '\r')
			continue;
		else if (*p < 0x20 || *p == 0x7F)
			sb_add(&in, " ", 1);
		else if (*p == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0) {
			/* a C1 control (U+0080..U+009F): CSI and ST among them */
			sb_add(&in, " ", 1);
			p++;
		} else
			sb_add(&in, p, 1);
	}
	if (in.failed) {
		sb_free(&in);
		return ENOMEM;
	}
	iconv_t cd = iconv_open(codeset, "UTF-8");
	if (cd == (iconv_t)-1) {
		sb_free(&in);
		return EINVAL;
	}
	struct strbuf o = {0};
	if (media_copy)
		sb_add(&o, "\033[5i", 4);
	char *ip = in.p ? in.p : (char *)"";
	size_t il = in.len;
	char chunk[4096];
	while (il > 0 && !o.failed) {
		char *op = chunk;
		size_t ol = sizeof chunk;
		size_t r = iconv(cd, &ip, &il, &op, &ol);
		sb_add(&o, chunk, (size_t)(op - chunk));
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		/* a character the encoding lacks, or bytes that are no
		 * character: one '?' for it, and on */
		size_t skip = lead_len((unsigned char)*ip);
		if (skip > il)
			skip = il;
		for (size_t k = 1; k < skip; k++)
			if (((unsigned char)ip[k] & 0xC0) != 0x80) {
				skip = k;
				break;
			}
		sb_add(&o, "?", 1);
		ip += skip;
		il -= skip;
	}
	/* the shift state back to the start (none in GB18030 or UTF-8) */
	char *op = chunk;
	size_t ol = sizeof chunk;
	if (iconv(cd, NULL, NULL, &op, &ol) != (size_t)-1)
		sb_add(&o, chunk, (size_t)(op - chunk));
	iconv_close(cd);
	sb_free(&in);
	if (media_copy)
		sb_add(&o, "\033[4i", 4);
	if (o.failed) {
		sb_free(&o);
		return ENOMEM;
	}
	*outlen = o.len;
	*out = sb_detach(&o);
	return *out ? 0 : ENOMEM;
}

/* Make the folder path when missing.  A folder this run made gets the
 * group's rights whatever the umask; one that was there keeps its owner
 * and mode (on a township server add-worker made it the worker's alone,
 * for SFTP).  ENOENT when it is missing and cannot be made here. */
static int
make_dir(const char *path)
{
	bool made = mkdir(path, 02770) == 0;
	if (!made && errno != EEXIST) {
		int e = errno;
		struct stat sb;
		if ((e == EACCES || e == EPERM || e == EROFS || e == ENOENT) &&
		    stat(path, &sb) < 0 && errno == ENOENT)
			return ENOENT;
		return e;
	}
	struct stat sb;
	if (stat(path, &sb) < 0)
		return errno;
	if (!S_ISDIR(sb.st_mode))
		return ENOTDIR;
	/* the umask took the group's rights away: give them back */
	if (made && (sb.st_mode & 02770) != 02770 && sb.st_uid == geteuid() &&
	    chmod(path, (sb.st_mode & 07777) | 02770) < 0)
		return errno;
	return 0;
}

int
printout_files_dir(const char *dbdir, const char *login, char *buf, size_t size)
{
	if (!login || !*login || strchr(login, '/') || strcmp(login, ".") == 0 ||
	    strcmp(login, "..") == 0)
		return EINVAL;
	/* the data folder: the one holding the database's */
	size_t n = strlen(dbdir);
	while (n > 1 && dbdir[n - 1] == '/')
		n--;
	size_t cut = n;
	while (cut > 0 && dbdir[cut - 1] != '/')
		cut--;
	int len;
	if (cut == 0)
		len = snprintf(buf, size, "files");
	else
		len = snprintf(buf, size, "%.*sfiles", (int)cut, dbdir);
	if (len < 0 || (size_t)len >= size)
		return ENAMETOOLONG;
	int err = make_dir(buf);
	if (err)
		return err;
	size_t at = (size_t)len;
	len = snprintf(buf + at, size - at, "/%s", login);
	if (len < 0 || (size_t)len >= size - at)
		return ENAMETOOLONG;
	return make_dir(buf);
}

int
printout_create(const char *dir, const char *stem, const char *ext, char *name,
                size_t namesize, int *fd)
{
	*fd = -1;
	if (!stem || !*stem || strchr(stem, '/') || !ext || strchr(ext, '/'))
		return EINVAL;
	for (int k = 1; k < PRINTOUT_NAMES_MAX; k++) {
		char path[4096];
		int l = k == 1 ? snprintf(name, namesize, "%s.%s", stem, ext)
		               : snprintf(name, namesize, "%s-%d.%s", stem, k, ext);
		if (l < 0 || (size_t)l >= namesize)
			return ENAMETOOLONG;
		l = snprintf(path, sizeof path, "%s/%s", dir, name);
		if (l < 0 || (size_t)l >= sizeof path)
			return ENAMETOOLONG;
		/* made here or not at all: whatever has the name already (a
		 * file, a folder, a symbolic link put there over SFTP, a FIFO)
		 * is left as it is and the next name tried; never opened, never
		 * followed, never waited on */
		int f = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0660);
		if (f < 0 && (errno == EEXIST || errno == ELOOP))
			continue;
		if (f < 0)
			return errno;
		/* the group's rights whatever the umask, as the folder's */
		(void)fchmod(f, 0660);
		*fd = f;
		return 0;
	}
	return EEXIST;
}

int
printout_close(const char *dir, const char *name, int fd, bool ok)
{
	int e = 0;
	if (ok && fsync(fd) != 0 && errno != EINVAL)
		e = errno;
	if (close(fd) != 0 && ok && !e && errno != EINTR)
		e = errno;
	if (ok && !e)
		return 0;
	/* no half file: the name goes (it is this program's, made by
	 * printout_create; in a folder the worker writes, whatever is there
	 * under it now is theirs to lose) */
	char path[4096];
	if (snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path)
		unlink(path);
	return e ? e : EIO;
}

int
printout_save(const char *dir, const char *doc, const char *date, const char *data, size_t len,
              char *name, size_t namesize)
{
	char stem[512];
	if (snprintf(stem, sizeof stem, "%s-%s", doc, date) >= (int)sizeof stem)
		return ENAMETOOLONG;
	int fd;
	int err = printout_create(dir, stem, "txt", name, namesize, &fd);
	if (err)
		return err;
	size_t done = 0;
	while (done < len) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;
			printout_close(dir, name, fd, false);
			return e;
		}
		done += (size_t)w;
	}
	return printout_close(dir, name, fd, true);
}

char *
printout_name_shown(const char *name, const char *codeset)
{
	size_t len = strlen(name);
	char *conv = NULL;
	size_t convlen;
	const char *s = name;
	/* a name in UTF-8 (WinSCP's and FileZilla's) as it is; else from the
	 * terminal's encoding (a GB18030 name written on the server) */
	if (!text_utf8_valid(name, len, NULL) && codeset && strcmp(codeset, "UTF-8") != 0 &&
	    text_conv("UTF-8", codeset, name, len, &conv, &convlen, NULL) == TEXT_CONV_OK) {
		s = conv;
		len = convlen;
	}
	struct strbuf b = {0};
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = text_utf8_decode(s + i, len - i, &cp);
		bool bad = cp == TEXT_REPLACEMENT && n == 1;
		/* a byte that is no character, and every control (ESC, BEL,
		 * DEL, the C1 controls CSI and OSC among them), as \xHH: the
		 * name can be read and told from another, and nothing of it
		 * reaches the terminal as a command */
		if (bad || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) {
			for (size_t k = 0; k < n; k++) {
				char hex[8];
				snprintf(hex, sizeof hex, "\\x%02X", (unsigned char)s[i + k]);
				sb_str(&b, hex);
			}
		} else
			sb_add(&b, s + i, n);
		i += n;
	}
	free(conv);
	if (b.failed) {
		sb_free(&b);
		return NULL;
	}
	return b.p ? sb_detach(&b) : strdup("");
}
