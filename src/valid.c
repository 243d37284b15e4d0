/* valid.c: checking what village workers type (resident ID numbers, mobile numbers, dates) and saying what is wrong. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "valid.h"
#include "util.h"


static const char *const valid_messages[] = {
	[VALID_OK] = N_("OK"),
	[VALID_EMPTY] = N_("This cannot be left empty"),
	[VALID_ID_LENGTH] = N_("The ID number must have 18 characters"),
	[VALID_ID_CHARS] = N_("The ID number must be 17 digits followed by a digit or X"),
	[VALID_ID_CHECKSUM] = N_("The check digit (last character) does not match: please check the number again"),
	[VALID_ID_BIRTH] = N_("The birth date in the ID number (characters 7 to 14) is not a real date or is in the future: please check the number again"),
	[VALID_ID_REGION] = N_("The ID number does not start with a real province code: please check the first two digits"),
	[VALID_PHONE] = N_("A mobile number has 11 digits and starts with 13 to 19"),
	[VALID_DATE_FORMAT] = N_("Type the date as 20260315 or 2026-03-15"),
	[VALID_DATE_RANGE] = N_("There is no such day: please check the month and the day"),
};

const char *
valid_strerror(int err)
{
	if (err < 0 || (size_t)err >= NELEM(valid_messages) || !valid_messages[err])
		return _("The value is not valid");
	return _(valid_messages[err]);
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* n ASCII digits at s as a number, or -1. */
static int
digits_value(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

bool
valid_is_real_date(int year, int month, int day)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (year < 1 || month < 1 || month > 12 || day < 1)
		return false;
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	int last = mdays[month - 1] + (month == 2 && leap);
	return day <= last;
}

/* --- resident ID numbers (GB 11643-1999) ----------------------------- */

/* ISO 7064 MOD 11-2: weight i is 2^(17-i) mod 11. */
static const int id_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char id_checkchars[] = "10X98765432";

/* Province-level parts of GB/T 2260 division codes, the first two digits. */
static const struct {
	int lo, hi;
} id_provinces[] = {
	{11, 15}, {21, 23}, {31, 37}, {41, 46}, {50, 54}, {61, 65}, {71, 71}, {81, 82},
};

char
valid_id_checkchar(const char *first17)
{
	int sum = 0;

	if (!first17)
		return '\0';
	for (size_t i = 0; i < NELEM(id_weights); i++) {
		if (!is_digit(first17[i]))
			return '\0';
		sum += (first17[i] - '0') * id_weights[i];
	}
	return id_checkchars[sum % 11];
}

static bool
id_province_ok(int code)
{
	for (size_t i = 0; i < NELEM(id_provinces); i++)
		if (code >= id_provinces[i].lo && code <= id_provinces[i].hi)
			return true;
	return false;
}

static bool
date_after_today(int year, int month, int day)
{
	/* today kept for the second it was worked out in: localtime_r cost
	 * about 460 instructions a call, and an import checks five ID
	 * numbers a row */
	static time_t known = (time_t)-1;
	static long known_today;
	time_t now = time(NULL);
	long today = known_today;

	if (now != known || now == (time_t)-1) {
		struct tm tm;
		if (!localtime_r(&now, &tm))
			return false;
		today = (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
		known = now;
		known_today = today;
	}
	return (long)year * 10000 + month * 100 + day > today;
}

/* Characters, not bytes, so that an ID typed with full-width digits is
 * reported as wrong characters rather than a wrong length. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

int
valid_idnum(const char *s, struct valid_idinfo *info)
{
	if (!s || !*s)
		return VALID_EMPTY;
	if (utf8_chars(s) != 18)
		return VALID_ID_LENGTH;
	if (strlen(s) != 18)
		return VALID_ID_CHARS;
	for (size_t i = 0; i < 17; i++)
		if (!is_digit(s[i]))
			return VALID_ID_CHARS;
	char last = s[17] == 'x' ? 'X' : s[17];
	if (!is_digit(last) && last != 'X')
		return VALID_ID_CHARS;

	/* The parts are checked before the check digit because they point
	 * to the wrong digits; the check digit catches the remaining typos. */
	if (!id_province_ok(digits_value(s, 2)))
		return VALID_ID_REGION;
	int year = digits_value(s + 6, 4);
	int month = digits_value(s + 10, 2);
	int day = digits_value(s + 12, 2);
	if (year < 1900 || !valid_is_real_date(year, month, day) ||
	    date_after_today(year, month, day))
		return VALID_ID_BIRTH;
	char check = valid_id_checkchar(s);
	if (check != last)
		return VALID_ID_CHECKSUM;

	if (info) {
		memcpy(info->division, s, 6);
		info->division[6] = '\0';
		info->year = year;
		info->month = month;
		info->day = day;
		info->sex = (s[16] - '0') % 2 ? 'M' : 'F';
		info->check = check;
	}
	return VALID_OK;
}

/* --- mobile numbers ---------------------------------------------------- */

int
valid_mobile(const char *s)
{
	char d[16];
	size_t n = 0;
	bool plus = false, any = false;

	if (!s)
		return VALID_EMPTY;
	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (*p == '+' && !any) {
			plus = true;
			any = true;
			continue;
		}
		if (!is_digit(*p) || n == sizeof d)
			return VALID_PHONE;
		d[n++] = *p;
		any = true;
	}
	if (!any)
		return VALID_EMPTY;
	/* A mobile number never starts with 8, so a leading 86 on 13 digits
	 * can only be the country code. */
	const char *m = d;
	if (plus || n == 13) {
		if (n != 13 || d[0] != '8' || d[1] != '6')
			return VALID_PHONE;
		m += 2;
		n -= 2;
	}
	if (n != 11 || m[0] != '1' || m[1] < '3' || m[1] > '9')
		return VALID_PHONE;
	return VALID_OK;
}

/* --- dates --------------------------------------------------------------- */

/* Parses up to max digits at *p, at least one; advances *p. */
static int
take_number(const char **p, size_t max)
{
	size_t n = 0;

	while (n < max && is_digit((*p)[n]))
		n++;
	if (n == 0 || is_digit((*p)[n]))
		return -1;
	int v = digits_value(*p, n);
	*p += n;
	return v;
}

int
valid_date(const char *s, int *year, int *month, int *day)
{
	static const char separators[] = "-/.";
	int y, m, d;

	if (!s || !*s)
		return VALID_EMPTY;
	if (strlen(s) == 8 && digits_value(s, 8) >= 0) {
		y = digits_value(s, 4);
		m = digits_value(s + 4, 2);
		d = digits_value(s + 6, 2);
	} else {
		const char *p = s;
		if (strspn(p, "0123456789") != 4)
			return VALID_DATE_FORMAT;
		y = take_number(&p, 4);
		if (strncmp(p, "年", strlen("年")) == 0) {
			/* 2026年3月15日, as people write it by hand and type it into
			 * a spreadsheet's General cell; the 日 may be left off */
			p += strlen("年");
			m = take_number(&p, 2);
			if (m < 0 || strncmp(p, "月", strlen("月")) != 0)
				return VALID_DATE_FORMAT;
			p += strlen("月");
			d = take_number(&p, 2);
			if (d < 0)
				return VALID_DATE_FORMAT;
			if (strncmp(p, "日", strlen("日")) == 0)
				p += strlen("日");
			if (*p)
				return VALID_DATE_FORMAT;
		} else {
			char sep = *p;
			if (!sep || !strchr(separators, sep))
				return VALID_DATE_FORMAT;
			p++;
			m = take_number(&p, 2);
			if (m < 0 || *p != sep)
				return VALID_DATE_FORMAT;
			p++;
			d = take_number(&p, 2);
			if (d < 0 || *p)
				return VALID_DATE_FORMAT;
		}
	}
	if (!valid_is_real_date(y, m, d))
		return VALID_DATE_RANGE;
	if (year)
		*year = y;
	if (month)
		*month = m;
	if (day)
		*day = d;
	return VALID_OK;
}

char *
valid_idnum_mask(const char *idnum)
{
	size_t n = strlen(idnum);
	char *m = malloc(n + 1);
	if (!m)
		return NULL;
	bool plain = true;
	for (size_t i = 0; i < n; i++) {
		char c = idnum[i];
		if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			plain = false;
	}
	for (size_t i = 0; i < n; i++)
		m[i] = plain && n > 10 && (i < 6 || i >= n - 4) ? idnum[i] : '*';
	m[n] = '\0';
	return m;
}
