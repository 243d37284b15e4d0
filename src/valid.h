/* valid.h: validators for what village workers type: resident ID numbers
 * (GB 11643), Chinese mobile numbers, dates.  No curses. */
#ifndef SHEGONG_VALID_H
#define SHEGONG_VALID_H

#include <stdbool.h>

enum valid_err {
	VALID_OK = 0,
	VALID_EMPTY,
	VALID_ID_LENGTH,     /* not 18 characters */
	VALID_ID_CHARS,      /* not 17 digits and a digit or X */
	VALID_ID_CHECKSUM,   /* the check digit does not match (ISO 7064 MOD 11-2) */
	VALID_ID_BIRTH,      /* the birth date inside is not a real date, or is in the future */
	VALID_ID_REGION,     /* the division code is not plausible (province part) */
	VALID_PHONE,         /* not a mainland mobile number */
	VALID_DATE_FORMAT,   /* not YYYYMMDD or YYYY-MM-DD */
	VALID_DATE_RANGE,    /* month or day out of range, or not a real day */
};

struct valid_idinfo {
	char division[7];    /* the six-digit administrative division code */
	int year, month, day;
	char sex;            /* 'M' or 'F' */
	char check;          /* the check character as computed */
};

/* Check an 18-character resident ID number.  A lowercase x is accepted
 * as the check character.  On VALID_OK, *info (if not NULL) is filled. */
int valid_idnum(const char *s, struct valid_idinfo *info);
/* The check character ('0'..'9' or 'X') for the first 17 digits. */
char valid_id_checkchar(const char *first17);

/* A mainland mobile number: 11 digits starting 1[3-9]; spaces and dashes
 * and a leading +86 or 86 are tolerated. */
int valid_mobile(const char *s);
/* An ID number as shown to those who may not see it whole, and on paper
 * that leaves the room: the first 6 and the last 4 kept, the middle
 * starred (510421********1234), enough to tell people apart and too little
 * to misuse; anything that is not letters and digits, or 10 characters or
 * fewer, all starred.  malloc'd, NULL when out of memory. */
char *valid_idnum_mask(const char *idnum);

/* A date typed as 20260315 or 2026-03-15 (also 2026/3/15, 2026.3.15).
 * On VALID_OK the parts are stored. */
int valid_date(const char *s, int *year, int *month, int *day);
bool valid_is_real_date(int year, int month, int day);

/* A message a village worker can act on, translated. */
const char *valid_strerror(int err);

#endif
