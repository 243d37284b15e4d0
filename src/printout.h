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

/* Write data to a new file in dir named DOC-DATE.txt (DOC-DATE-2.txt ...
 * when taken), mode 0660; the name alone (no folder) into name.  0 or an
 * errno. */
int printout_save(const char *dir, const char *doc, const char *date, const char *data,
                  size_t len, char *name, size_t namesize);

#endif
