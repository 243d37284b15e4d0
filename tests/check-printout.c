/* check-printout.c: a document's bytes for a terminal's printer (media
 * copy) in GB18030 and UTF-8, characters the encoding lacks, controls in
 * a record's text, and the worker's files folder. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "printout.h"

static char *
bytes(const char *text, const char *codeset, bool mc, size_t *len)
{
	char *out;
	ck_assert_int_eq(printout_bytes(text, codeset, mc, &out, len), 0);
	return out;
}

START_TEST(test_media_copy_utf8)
{
	size_t len;
	char *b = bytes("转介单\n张三\f第二页\n", "UTF-8", true, &len);
	const char want[] = "\033[5i转介单\r\n张三\f第二页\r\n\033[4i";
	ck_assert_uint_eq(len, sizeof want - 1);
	ck_assert(memcmp(b, want, len) == 0);
	free(b);
}
END_TEST

START_TEST(test_media_copy_gb18030)
{
	size_t len;
	/* 𠈌 (U+2020C, outside the BMP) is four bytes in GB18030 */
	char *b = bytes("张三 𠈌\n", "GB18030", true, &len);
	const char want[] = "\033[5i\xd5\xc5\xc8\xfd \x95\x32\xb7\x30\r\n\033[4i";
	ck_assert_uint_eq(len, sizeof want - 1);
	ck_assert(memcmp(b, want, len) == 0);
	free(b);
}
END_TEST

START_TEST(test_lacking_becomes_question)
{
	size_t len;
	/* ASCII lacks the Chinese: each character one '?' */
	char *b = bytes("a张b𠈌c\n", "ASCII", false, &len);
	ck_assert_uint_eq(len, 7);
	ck_assert(memcmp(b, "a?b?c\r\n", 7) == 0);
	free(b);
	/* bytes that are not UTF-8 at all */
	b = bytes("x\xff\xfey", "GB18030", false, &len);
	ck_assert_uint_eq(len, 4);
	ck_assert(memcmp(b, "x??y", 4) == 0);
	free(b);
}
END_TEST

START_TEST(test_controls_blanked)
{
	size_t len;
	/* an ESC [ 4 i inside a record's text must not end the copy early,
	 * nor a C1 CSI (U+009B) */
	char *b = bytes("a\033[4ib\xc2\x9b" "4ic\r\n", "UTF-8", true, &len);
	const char want[] = "\033[5ia [4ib 4ic\r\n\033[4i";
	ck_assert_uint_eq(len, sizeof want - 1);
	ck_assert(memcmp(b, want, len) == 0);
	free(b);
}
END_TEST

START_TEST(test_unknown_codeset)
{
	char *out;
	size_t len;
	ck_assert_int_eq(printout_bytes("a", "NO-SUCH-CODESET-X", true, &out, &len), EINVAL);
	ck_assert_ptr_null(out);
}
END_TEST

START_TEST(test_way_names)
{
	for (int w = 0; w < PRINTOUT_NWAYS; w++)
		ck_assert_int_eq(printout_way_parse(printout_way_name(w)), w);
	ck_assert_int_eq(printout_way_parse("pdf"), PRINTOUT_PDF);
	ck_assert_int_eq(printout_way_parse("fax"), -1);
	ck_assert_int_eq(printout_way_parse(NULL), -1);
}
END_TEST

START_TEST(test_files_dir)
{
	char tmp[] = "/tmp/check-printout-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	char db[256], dir[512], want[512];
	snprintf(db, sizeof db, "%s/db", tmp);
	ck_assert_int_eq(mkdir(db, 0700), 0);
	mode_t old = umask(077);
	ck_assert_int_eq(printout_files_dir(db, "wang", dir, sizeof dir), 0);
	umask(old);
	snprintf(want, sizeof want, "%s/files/wang", tmp);
	ck_assert_str_eq(dir, want);
	struct stat sb;
	ck_assert_int_eq(stat(dir, &sb), 0);
	/* the group's rights whatever the umask */
	ck_assert_uint_eq(sb.st_mode & 07777, 02770);
	ck_assert_int_eq(printout_files_dir(db, "../x", dir, sizeof dir), EINVAL);
	ck_assert_int_eq(printout_files_dir(db, "..", dir, sizeof dir), EINVAL);
	/* a second file of the same day does not overwrite the first */
	char name[128];
	ck_assert_int_eq(printout_files_dir(db, "wang", dir, sizeof dir), 0);
	ck_assert_int_eq(printout_save(dir, "slip", "2026-12-03", "one", 3, name, sizeof name), 0);
	ck_assert_str_eq(name, "slip-2026-12-03.txt");
	ck_assert_int_eq(printout_save(dir, "slip", "2026-12-03", "two", 3, name, sizeof name), 0);
	ck_assert_str_eq(name, "slip-2026-12-03-2.txt");
	char path[700], got[8] = {0};
	snprintf(path, sizeof path, "%s/slip-2026-12-03.txt", dir);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(got, 1, sizeof got - 1, f), 3);
	fclose(f);
	ck_assert_str_eq(got, "one");
	unlink(path);
	snprintf(path, sizeof path, "%s/slip-2026-12-03-2.txt", dir);
	unlink(path);
	rmdir(dir);
	snprintf(path, sizeof path, "%s/files", tmp);
	rmdir(path);
	rmdir(db);
	rmdir(tmp);
}
END_TEST

/* A township server: add-worker made DATA/files root's (0711) and the
 * worker's folder theirs (0700); the program, run by the worker, uses the
 * folder as it is, and says ENOENT for a worker who has none (so that the
 * dialog says to ask the administrator). */
static int
township_case(const char *db, const char *mine)
{
	char dir[512];
	struct stat sb;
	if (printout_files_dir(db, "wang", dir, sizeof dir) != 0 || strcmp(dir, mine) != 0)
		return 1;
	if (stat(mine, &sb) != 0 || (sb.st_mode & 07777) != 0700)
		return 2;   /* the worker's own folder was opened to a group */
	if (printout_files_dir(db, "li", dir, sizeof dir) != ENOENT)
		return 3;
	return 0;
}

START_TEST(test_files_dir_township)
{
	char tmp[] = "/tmp/check-printout-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	ck_assert_int_eq(chmod(tmp, 0755), 0);
	char db[256], files[256], mine[512];
	snprintf(db, sizeof db, "%s/db", tmp);
	snprintf(files, sizeof files, "%s/files", tmp);
	snprintf(mine, sizeof mine, "%s/wang", files);
	ck_assert_int_eq(mkdir(db, 0700), 0);
	ck_assert_int_eq(mkdir(files, 0755), 0);
	ck_assert_int_eq(mkdir(mine, 0700), 0);
	ck_assert_int_eq(chmod(mine, 0700), 0);
	int rc;
	if (geteuid() != 0) {
		/* the worker owns neither the data folder nor files/ there */
		ck_assert_int_eq(chmod(files, 0511), 0);
		ck_assert_int_eq(chmod(tmp, 0555), 0);
		rc = township_case(db, mine);
		chmod(tmp, 0755);
		chmod(files, 0755);
	} else {
		/* root may write anywhere: the worker is nobody (65534) */
		ck_assert_int_eq(chmod(files, 0711), 0);
		ck_assert_int_eq(chown(mine, 65534, 65534), 0);
		pid_t pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0)
			_exit(setgroups(0, NULL) == 0 && setgid(65534) == 0 && setuid(65534) == 0
			          ? township_case(db, mine) : 9);
		int status;
		ck_assert_int_eq(waitpid(pid, &status, 0), pid);
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 10;
	}
	ck_assert_msg(rc == 0, "the township files folder: case %d failed", rc);
	rmdir(mine);
	rmdir(files);
	rmdir(db);
	rmdir(tmp);
}
END_TEST

/* What a worker may put in their folder over SFTP under the names the
 * program picks: a symbolic link to a file outside it, a dangling one
 * (where a plain O_CREAT would make its target), a FIFO, a folder.  Each
 * is skipped, none is written through or waited on; the file goes under
 * the next free name, 0660 whatever the umask; a failed write leaves no
 * file. */
START_TEST(test_create_skips_planted)
{
	char tmp[] = "/tmp/check-printout-XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	char dir[300], outside[300], gone[300], p[600];
	snprintf(dir, sizeof dir, "%s/wang", tmp);
	snprintf(outside, sizeof outside, "%s/outside.txt", tmp);
	snprintf(gone, sizeof gone, "%s/made-by-a-link.txt", tmp);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	FILE *f = fopen(outside, "w");
	ck_assert_ptr_nonnull(f);
	fputs("keep", f);
	fclose(f);
	snprintf(p, sizeof p, "%s/slip-2026-12-04.txt", dir);
	ck_assert_int_eq(symlink(outside, p), 0);
	snprintf(p, sizeof p, "%s/slip-2026-12-04-2.txt", dir);
	ck_assert_int_eq(symlink(gone, p), 0);
	snprintf(p, sizeof p, "%s/slip-2026-12-04-3.txt", dir);
	ck_assert_int_eq(mkfifo(p, 0600), 0);
	snprintf(p, sizeof p, "%s/slip-2026-12-04-4.txt", dir);
	ck_assert_int_eq(mkdir(p, 0700), 0);

	char name[128];
	mode_t old = umask(077);
	/* a FIFO opened to write would wait here for a reader forever:
	 * alarm ends the test instead */
	alarm(20);
	ck_assert_int_eq(printout_save(dir, "slip", "2026-12-04", "new", 3, name, sizeof name), 0);
	alarm(0);
	umask(old);
	ck_assert_str_eq(name, "slip-2026-12-04-5.txt");
	char got[16] = {0};
	f = fopen(outside, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fread(got, 1, sizeof got - 1, f), 4);
	fclose(f);
	ck_assert_str_eq(got, "keep");
	struct stat sb;
	ck_assert_msg(lstat(gone, &sb) != 0, "a dangling link's target was made");
	snprintf(p, sizeof p, "%s/slip-2026-12-04-3.txt", dir);
	ck_assert_int_eq(lstat(p, &sb), 0);
	ck_assert(S_ISFIFO(sb.st_mode));
	snprintf(p, sizeof p, "%s/slip-2026-12-04.txt", dir);
	ck_assert_int_eq(lstat(p, &sb), 0);
	ck_assert(S_ISLNK(sb.st_mode));
	snprintf(p, sizeof p, "%s/%s", dir, name);
	ck_assert_int_eq(lstat(p, &sb), 0);
	ck_assert(S_ISREG(sb.st_mode));
	ck_assert_uint_eq(sb.st_mode & 07777, 0660);
	ck_assert_int_eq(sb.st_size, 3);

	/* the descriptor way: a failed write removes the file */
	int fd;
	ck_assert_int_eq(printout_create(dir, "list-resident-2026-12-04", "csv", name, sizeof name,
	                                 &fd), 0);
	ck_assert_str_eq(name, "list-resident-2026-12-04.csv");
	ck_assert_int_eq(write(fd, "half", 4), 4);
	ck_assert_int_eq(printout_close(dir, name, fd, false), EIO);
	snprintf(p, sizeof p, "%s/%s", dir, name);
	ck_assert_msg(lstat(p, &sb) != 0, "a half file was left");
	ck_assert_int_eq(printout_create(dir, "list-resident-2026-12-04", "csv", name, sizeof name,
	                                 &fd), 0);
	ck_assert_int_eq(printout_close(dir, name, fd, true), 0);
	ck_assert_int_eq(lstat(p, &sb), 0);
	/* a stem that would leave the folder */
	ck_assert_int_eq(printout_create(dir, "../x", "csv", name, sizeof name, &fd), EINVAL);
	ck_assert_int_eq(fd, -1);

	/* every name taken: refused, nothing written anywhere */
	for (int k = 1; k < PRINTOUT_NAMES_MAX; k++) {
		if (k == 1)
			snprintf(p, sizeof p, "%s/full-1.pdf", dir);
		else
			snprintf(p, sizeof p, "%s/full-1-%d.pdf", dir, k);
		ck_assert_int_eq(symlink(outside, p), 0);
	}
	ck_assert_int_eq(printout_create(dir, "full-1", "pdf", name, sizeof name, &fd), EEXIST);
	ck_assert_int_eq(fd, -1);

	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmp);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* Names a worker put in the folder, as a screen shows them: UTF-8 as it
 * is; GB18030 bytes from a GB18030 terminal's encoding; every control
 * character and stray byte as \xHH, nothing raw. */
START_TEST(test_name_shown)
{
	struct {
		const char *name, *codeset, *want;
	} cases[] = {
		{"新居民𠈌.csv", "UTF-8", "新居民𠈌.csv"},
		{"新居民𠈌.csv", "GB18030", "新居民𠈌.csv"},
		{"x\033[2Jx.csv", "UTF-8", "x\\x1B[2Jx.csv"},
		{"x\033[2Jx.csv", "GB18030", "x\\x1B[2Jx.csv"},
		{"\xd5\xc5\xc8\xfd.csv", "GB18030", "张三.csv"},
		{"\xd5\xc5\xc8\xfd.csv", "UTF-8", "\\xD5\\xC5\\xC8\\xFD.csv"},
		{"a\xc2\x9b" "2Jb\x7f\x07.csv", "UTF-8", "a\\xC2\\x9B2Jb\\x7F\\x07.csv"},
		{"a\xff\x1b]0;t\x07.csv", "GB18030", "a\\xFF\\x1B]0;t\\x07.csv"},
		{"", "UTF-8", ""},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *s = printout_name_shown(cases[i].name, cases[i].codeset);
		ck_assert_ptr_nonnull(s);
		ck_assert_msg(strcmp(s, cases[i].want) == 0, "case %zu: %s, not %s", i, s,
		              cases[i].want);
		for (const unsigned char *c = (const unsigned char *)s; *c; c++)
			ck_assert_msg(*c >= 0x20 && *c != 0x7F, "case %zu: a control byte shown", i);
		free(s);
	}
}
END_TEST

static Suite *
printout_suite(void)
{
	Suite *s = suite_create("printout");
	TCase *tc = tcase_create("bytes");
	tcase_add_test(tc, test_media_copy_utf8);
	tcase_add_test(tc, test_media_copy_gb18030);
	tcase_add_test(tc, test_lacking_becomes_question);
	tcase_add_test(tc, test_controls_blanked);
	tcase_add_test(tc, test_unknown_codeset);
	tcase_add_test(tc, test_way_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("files");
	tcase_add_test(tc, test_files_dir);
	tcase_add_test(tc, test_files_dir_township);
	tcase_add_test(tc, test_create_skips_planted);
	tcase_add_test(tc, test_name_shown);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(printout_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
