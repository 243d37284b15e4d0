/* printout.h: a document (UTF-8 text, pages separated by '\f') made
 * ready to leave the program on paper: the bytes a terminal's printer
 * takes by ECMA-48/VT100 media copy (PuTTY, Xshell, SecureCRT and xterm
 * hand what comes between ESC [ 5 i and ESC [ 4 i to a printer of the PC
 * in front of the worker), a text file in the worker's files folder, or
 * CUPS (lp) on a PC that runs the program itself.  No curses here: the
 * print dialog (ui-print.c) sends the bytes. */
#ifndef SHEGONG_PRINTOUT_H
#define SHEGONG_PRINTOUT_H

#include <stdbool.h>
#include <stddef.h>

/* The ways out, as the print dialog offers them and as the worker's last
 * choice is remembered (meta "print/way/LOGIN") and audited ("way=..."). */
enum printout_way {
	PRINTOUT_TERMINAL, /* the terminal's printer, by media copy */
	PRINTOUT_FILE,     /* a text file in the worker's files folder */
	PRINTOUT_LP,       /* CUPS on this PC */
	PRINTOUT_PDF,      /* an A4 PDF in the worker's files folder (pdf.c) */
	PRINTOUT_NWAYS
};
/* "terminal", "file", "lp", "pdf"; printout_way_parse: -1 for anything else. */
const char *printout_way_name(enum printout_way w);
int printout_way_parse(const char *s);

/* text (UTF-8) in the encoding codeset ("UTF-8", "GB18030" ...: the
 * locale's nl_langinfo(CODESET)) with CR LF line ends and the form feeds
 * kept; a character the encoding lacks becomes '?', control characters
 * other than LF and FF become a space (nothing in a record ends the media
 * copy early).  With media_copy the whole is wrapped in ESC [ 5 i ...
 * ESC [ 4 i.  *out malloc'd, *outlen its length.  0, or an errno
 * (EINVAL: iconv does not know codeset; ENOMEM). */
int printout_bytes(const char *text, const char *codeset, bool media_copy, char **out,
                   size_t *outlen);

/* The worker's files folder: DATA/files/LOGIN, where DATA is the folder
 * holding the database folder dbdir.  Made when missing with the group's
 * rights (2770), the group that of the data folder by its set-group-id
 * bit: on a PC whose data folder the worker may write.  On a township
 * server township-setup.sh add-worker makes it (the worker's own, for
 * SFTP) and the program, run by a worker out of the data's group, cannot:
 * a folder that is there keeps its owner and mode.  The path into buf.
 * 0, or an errno: ENOENT when the folder is missing and cannot be made
 * here (the administrator runs add-worker again), EINVAL for a login that
 * cannot be a folder's name. */
int printout_files_dir(const char *dbdir, const char *login, char *buf, size_t size);

/* How many names printout_create tries: STEM.EXT, STEM-2.EXT ... up to
 * STEM-999.EXT. */
#define PRINTOUT_NAMES_MAX 1000

/* A new file in dir (the worker's files folder) under the first name free
 * of STEM.EXT, STEM-2.EXT, STEM-3.EXT ..., made in one step by open with
 * O_CREAT|O_EXCL|O_NOFOLLOW: whatever is under a name already (a file, a
 * folder, a symbolic link or a FIFO a worker put there over SFTP) is
 * skipped, never written through, followed or waited on.  Mode 0660
 * whatever the umask.  The name alone (no folder) into name, the
 * descriptor (write-only, close-on-exec) into *fd; write through it, then
 * printout_close.  0, or an errno (EEXIST: every name up to
 * PRINTOUT_NAMES_MAX is taken; EINVAL: a stem or ext with '/'). */
int printout_create(const char *dir, const char *stem, const char *ext, char *name,
                    size_t namesize, int *fd);

/* Close what printout_create opened: with ok, flushed to disk and kept
 * (0, or the errno of a failed flush or close, the file then removed);
 * without, removed, so that a failed write leaves no half file (EIO). */
int printout_close(const char *dir, const char *name, int fd, bool ok);

/* data in a new text file of dir named DOC-DATE.txt (DOC-DATE-2.txt ...
 * when taken), through printout_create; the name alone (no folder) into
 * name.  0 or an errno. */
int printout_save(const char *dir, const char *doc, const char *date, const char *data,
                  size_t len, char *name, size_t namesize);

/* A file's name in the files folder as a screen may show it: UTF-8 as it
 * is, else converted from codeset (the terminal's encoding, when not
 * UTF-8) where it is valid there; what is left that is no character, and
 * every control character (ESC, DEL, C1), as \xHH, so that a name a
 * worker put there over SFTP can be told apart and sends nothing to the
 * terminal.  malloc'd UTF-8; NULL when out of memory. */
char *printout_name_shown(const char *name, const char *codeset);

#endif
