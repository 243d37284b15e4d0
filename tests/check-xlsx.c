/* check-xlsx.c: xlsxread.c on workbooks made here: by openpyxl (inline
 * strings, 𠈌 outside the BMP, a column left out, an ID number typed as a
 * number, a date, whole numbers written as 3 and 3.0), and by hand with
 * Python's zipfile as Excel and WPS write them (shared strings with
 * rich-text runs and a phonetic guide, a custom date format, a sheet
 * reached through an absolute relationship, a row left out, the 1904
 * date system); and files
 * refused whole, each with its message: cut short, a zip bomb (past
 * 64 MB, past the ratio, and one lying about its size), not a zip, an old
 * .xls, an entity declared, XML nested too deep, a shared string that
 * is not there. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lazylib.h"
#include "util.h"
#include "xlsxread.h"

static char dir[] = "/tmp/check-xlsx-XXXXXX";

/* Run a Python script (with openpyxl) with the folder as its argument. */
static void
python(const char *script)
{
	char path[256];
	snprintf(path, sizeof path, "%s/make.py", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(script, f);
	fclose(f);
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
	         /* python3 with openpyxl (Debian's; a pyenv one first on PATH
	          * without it is passed over, as tests/check-lists.c does) */
	         "for p in ${PYTHON:-} python3 /usr/bin/python3; do "
	         "\"$p\" -c 'import openpyxl' 2>/dev/null && break; done; "
	         "\"$p\" '%s' '%s'",
	         path, dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void
on_cell(void *s, size_t len, void *ctx)
{
	struct strbuf *b = ctx;
	if (b->len && b->p[b->len - 1] != '\n')
		sb_str(b, "|");
	sb_add(b, s, len);
	if (len == 0)
		sb_str(b, "_");  /* an empty cell, to be seen */
}

static void
on_row(int c, void *ctx)
{
	(void)c;
	sb_str(ctx, "\n");
}

/* The rows of dir/name, a line a row, cells by '|', empty ones "_";
 * *rc the status, msg the message. */
static char *
rows(const char *name, int *rc, char *msg, size_t msgsize)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	struct strbuf data = {0};
	sb_read(&data, f, (size_t)1 << 30);
	fclose(f);
	struct strbuf b = {0};
	sb_str(&b, "");
	*rc = xlsx_read(data.p ? data.p : "", data.len, on_cell, on_row, &b, msg, msgsize);
	free(data.p);
	return sb_detach(&b);
}

static void
setup(void)
{
	strcpy(dir, "/tmp/check-xlsx-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_openpyxl)
{
	python("import sys, datetime, openpyxl\n"
	       "wb = openpyxl.Workbook(); ws = wb.active\n"
	       "ws.append(['姓名', '身份证号', '出生日期', '人数', '备注'])\n"
	       "ws.append(['𠈌村民', 5.10421199001011e17, datetime.date(1990, 1, 1), 3, 'a'])\n"
	       "ws.append(['乙', '510421199001011234', datetime.date(2024, 2, 29), 3.0, True])\n"
	       "ws['A4'] = '丙'; ws['D4'] = 3.5\n"
	       "ws['A6'] = '戊'\n"
	       "wb.create_sheet('second')['A1'] = 'not read'\n"
	       "wb.save(sys.argv[1] + '/a.xlsx')\n");
	int rc;
	char msg[1024];
	char *got = rows("a.xlsx", &rc, msg, sizeof msg);
	ck_assert_msg(rc == XLSX_OK, "%s", msg);
	ck_assert_str_eq(got, "姓名|身份证号|出生日期|人数|备注\n"
	                      "𠈌村民|5.10421199001011E+17|1990-01-01|3|a\n"
	                      "乙|510421199001011234|2024-02-29|3|TRUE\n"
	                      "丙|_|_|3.5\n"
	                      "\n"
	                      "戊\n");
	free(got);
}
END_TEST

/* A workbook as Excel writes one, made file by file. */
static const char excel_like[] =
	"import sys, zipfile\n"
	"def book(name, sheet, strings=None, extra=None, method=zipfile.ZIP_DEFLATED, pr=''):\n"
	"    z = zipfile.ZipFile(sys.argv[1] + '/' + name, 'w', method)\n"
	"    z.writestr('[Content_Types].xml', '<Types/>')\n"
	"    z.writestr('xl/workbook.xml', '<?xml version=\"1.0\"?><workbook "
	"xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">' + pr + '"
	"<sheets><sheet name=\"名单\" sheetId=\"3\" r:id=\"rId7\"/><sheet name=\"x\" sheetId=\"1\" "
	"r:id=\"rId1\"/></sheets></workbook>')\n"
	"    z.writestr('xl/_rels/workbook.xml.rels', '<Relationships><Relationship Id=\"rId1\" "
	"Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId7\" "
	"Target=\"/xl/worksheets/data.xml\"/></Relationships>')\n"
	"    z.writestr('xl/worksheets/sheet1.xml', '<worksheet><sheetData><row r=\"1\"><c "
	"t=\"inlineStr\"><is><t>wrong sheet</t></is></c></row></sheetData></worksheet>')\n"
	"    z.writestr('xl/styles.xml', '<styleSheet><numFmts count=\"1\"><numFmt numFmtId=\"176\" "
	"formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/><numFmt numFmtId=\"177\" "
	"formatCode=\"[h]:mm\"/></numFmts><cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"176\"/><xf numFmtId=\"177\"/><xf "
	"numFmtId=\"14\"/></cellXfs></styleSheet>')\n"
	"    if strings is not None:\n"
	"        z.writestr('xl/sharedStrings.xml', strings if strings.startswith('<!') else "
	"'<sst>' + strings + '</sst>')\n"
	"    z.writestr('xl/worksheets/data.xml', '<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<x:sheetData>' + sheet + '</x:sheetData></x:worksheet>')\n"
	"    for k, v in (extra or {}).items():\n"
	"        z.writestr(k, v)\n"
	"    z.close()\n"
	"sst = ('<si><t>姓名</t></si><si><t>电话</t></si>'\n"
	"       '<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space=\"preserve\">三 </t></r>'\n"
	"       '<rPh sb=\"0\" eb=\"1\"><t>ZHANG</t></rPh></si><si><t>&#x2020C;</t></si>')\n"
	"good = ('<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c><x:c r=\"B1\" "
	"t=\"s\"><x:v>1</x:v></x:c><x:c r=\"C1\" t=\"str\"><x:f>1+1</x:f><x:v>合计</x:v></x:c></x:row>'\n"
	"        '<x:row r=\"3\"><x:c r=\"A3\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"C3\" "
	"s=\"1\"><x:v>45658</x:v></x:c><x:c r=\"D3\" s=\"2\"><x:v>1.5</x:v></x:c><x:c r=\"E3\" "
	"s=\"3\"><x:v>60</x:v></x:c></x:row>'\n"
	"        '<x:row r=\"4\"><x:c r=\"B4\" t=\"s\"><x:v>3</x:v></x:c><x:c r=\"C4\" "
	"t=\"b\"><x:v>0</x:v></x:c><x:c r=\"D4\" t=\"e\"><x:v>#N/A</x:v></x:c><x:c "
	"r=\"E4\"><x:v>13800138000</x:v></x:c></x:row>')\n"
	"book('excel.xlsx', good, sst)\n"
	"book('stored.xlsx', good, sst, method=zipfile.ZIP_STORED)\n"
	"book('mac.xlsx', '<x:row r=\"1\"><x:c r=\"A1\" s=\"1\"><x:v>44196</x:v></x:c></x:row>', sst, "
	"pr='<workbookPr date1904=\"1\"/>')\n"
	"book('badref.xlsx', '<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>9</x:v></x:c></x:row>', sst)\n"
	"book('entity.xlsx', '<x:row r=\"1\"><x:c t=\"inlineStr\"><x:is><x:t>a</x:t></x:is>"
	"</x:c></x:row>', '<!DOCTYPE sst [<!ENTITY a \"aaaaaaaaaa\">]><sst><si><t>&a;</t></si></sst>')\n"
	"book('deep.xlsx', '<x:row r=\"1\">' + '<x:c>' * 200 + '</x:c>' * 200 + '</x:row>', sst)\n"
	"book('broken.xlsx', '<x:row r=\"1\"><x:c><x:v>1</x:row>', sst)\n"
	"# a zip bomb: 100 MB of one byte, and 20 MB (under 64 MB, packed a thousandfold)\n"
	"book('bomb.xlsx', good, sst, {'xl/media/x.bin': b'\\0' * (100 << 20)})\n"
	"book('bomb20.xlsx', '<x:row r=\"1\"><x:c t=\"inlineStr\"><x:is><x:t>' + 'a' * (20 << 20) + "
	"'</x:t></x:is></x:c></x:row>', sst)\n"
	"# a sheet that says it unpacks to 1000 bytes and unpacks to 2 MB\n"
	"book('liar.xlsx', '<x:row r=\"1\"><x:c t=\"inlineStr\"><x:is><x:t>' + 'ab' * (1 << 20) + "
	"'</x:t></x:is></x:c></x:row>', sst)\n"
	"d = bytearray(open(sys.argv[1] + '/liar.xlsx', 'rb').read())\n"
	"import struct\n"
	"name = b'xl/worksheets/data.xml'\n"
	"c = d.find(b'PK\\1\\2')\n"
	"while d[c + 46:c + 46 + len(name)] != name:\n"
	"    c = d.find(b'PK\\1\\2', c + 4)\n"
	"struct.pack_into('<I', d, c + 24, 1000)\n"
	"l = struct.unpack_from('<I', d, c + 42)[0]\n"
	"struct.pack_into('<I', d, l + 22, 1000)\n"
	"open(sys.argv[1] + '/liar.xlsx', 'wb').write(d)\n"
	"g = open(sys.argv[1] + '/excel.xlsx', 'rb').read()\n"
	"open(sys.argv[1] + '/cut.xlsx', 'wb').write(g[:len(g) // 2])\n"
	"open(sys.argv[1] + '/cutend.xlsx', 'wb').write(g[:-10])\n"
	"open(sys.argv[1] + '/text.xlsx', 'w').write('姓名,电话\\n张三,1\\n')\n"
	"open(sys.argv[1] + '/old.xlsx', 'wb').write(bytes.fromhex('D0CF11E0A1B11AE1') + bytes(4000))\n"
	"open(sys.argv[1] + '/empty.xlsx', 'wb').write(b'')\n";

START_TEST(test_excel_like)
{
	python(excel_like);
	static const char want[] = "姓名|电话|合计\n"
	                           "\n"
	                           "张三 |_|2025-01-01|1.5|1900-02-29\n"
	                           "_|𠈌|FALSE|#N/A|13800138000\n";
	int rc;
	char msg[1024];
	char *got = rows("excel.xlsx", &rc, msg, sizeof msg);
	ck_assert_msg(rc == XLSX_OK, "%s", msg);
	ck_assert_str_eq(got, want);
	free(got);
	got = rows("stored.xlsx", &rc, msg, sizeof msg);
	ck_assert_msg(rc == XLSX_OK, "%s", msg);
	ck_assert_str_eq(got, want);
	free(got);
	/* a workbook of the 1904 date system (old Excel for the Mac) */
	got = rows("mac.xlsx", &rc, msg, sizeof msg);
	ck_assert_msg(rc == XLSX_OK, "%s", msg);
	ck_assert_str_eq(got, "2025-01-01\n");
	free(got);
}
END_TEST

/* name is refused with status want, its message holding text. */
static void
refused(const char *name, int want, const char *text)
{
	int rc;
	char msg[1024];
	char *got = rows(name, &rc, msg, sizeof msg);
	ck_assert_msg(rc == want, "%s: status %d, wanted %d (%s)", name, rc, want, msg);
	ck_assert_msg(strstr(msg, text) != NULL, "%s: \"%s\" not in \"%s\"", name, text, msg);
	ck_assert_msg(strcmp(got, "") == 0, "%s: rows handed out: %s", name, got);
	free(got);
}

START_TEST(test_refused)
{
	python(excel_like);
	const char *damaged = "damaged or is not an Excel workbook (.xlsx)";
	refused("cut.xlsx", XLSX_DAMAGED, damaged);
	refused("cut.xlsx", XLSX_DAMAGED, "cut short");
	refused("cutend.xlsx", XLSX_DAMAGED, "cut short");
	refused("text.xlsx", XLSX_DAMAGED, "does not start as an Excel workbook");
	refused("empty.xlsx", XLSX_DAMAGED, damaged);
	refused("old.xlsx", XLSX_DAMAGED, "old Excel file (.xls)");
	refused("badref.xlsx", XLSX_DAMAGED, "out of place");
	refused("broken.xlsx", XLSX_DAMAGED, "xl/worksheets/data.xml is broken at line 1");
	refused("bomb.xlsx", XLSX_TOO_LARGE, "xl/media/x.bin");
	refused("bomb.xlsx", XLSX_TOO_LARGE, "64 MB");
	refused("bomb20.xlsx", XLSX_TOO_LARGE, "xl/worksheets/data.xml");
	refused("liar.xlsx", XLSX_TOO_LARGE, "xl/worksheets/data.xml");
	refused("entity.xlsx", XLSX_DAMAGED, "xl/sharedStrings.xml declares entities");
	refused("deep.xlsx", XLSX_DAMAGED, "xl/worksheets/data.xml is nested deeper");
}
END_TEST

/* zlib and expat are opened when a workbook is first read (lazylib.h):
 * one missing refuses the file with the package to install, and with
 * them there the same workbook reads. */
START_TEST(test_library_missing)
{
	python(excel_like);
	lazylib_test_missing = "libz";
	refused("excel.xlsx", XLSX_NOLIB, "zlib1g");
	lazylib_test_missing = "libexpat";
	refused("excel.xlsx", XLSX_NOLIB, "libexpat1");
	lazylib_test_missing = NULL;
	int rc;
	char msg[1024];
	char *got = rows("excel.xlsx", &rc, msg, sizeof msg);
	ck_assert_msg(rc == XLSX_OK, "%s", msg);
	ck_assert_msg(strstr(got, "13800138000") != NULL, "%s", got);
	free(got);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("xlsx");
	TCase *tc = tcase_create("xlsx");
	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_openpyxl);
	tcase_add_test(tc, test_excel_like);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_library_missing);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
