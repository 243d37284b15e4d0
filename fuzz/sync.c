/* fuzz/sync.c: libFuzzer target for exchange files (sync.c), which come
 * from USB sticks and links that drop: any bytes.  The input is taken
 * twice: as it is (a checksum that does not match must be refused), and
 * with its SHA-256 appended, so that the fuzzer reaches past the checksum
 * into the header, the records, the forms and the apply itself, on one
 * real database kept for the run (it joins the first township it meets).
 * A file refused must change nothing: the record counts and the change
 * log are the same after. */
#include "config.h"

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "common.h"
#include "sha256.h"
#include "store.h"
#include "sync.h"

static store *st;
static char dir[] = "/tmp/shegong-fuzz-sync-XXXXXX";

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The run's database goes when the run ends. */
static void
cleanup(void)
{
	store_close(st);
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int
census_txn(store_txn *t, void *ctx)
{
	uint64_t *n = ctx;
	size_t c;
	n[0] = 0;
	for (int k = 1; k <= REC_PROJECT; k++) {
		if (store_count(t, k, &c))
			return store_txn_error(t);
		n[0] += c;
	}
	return store_change_last(t, &n[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!st) {
		FUZZ_CHECK(mkdtemp(dir) != NULL);
		FUZZ_CHECK(store_open(&st, dir, STORE_CREATE) == STORE_OK);
		audit_attach(st);
		store_set_user(st, "fuzz");
		atexit(cleanup);
	}
	struct sync_header h;
	int err = sync_read_header(data, size, &h);
	if (size >= SHA256_LEN) {
		unsigned char sum[SHA256_LEN];
		sha256(data, size - SHA256_LEN, sum);
		if (memcmp(sum, data + size - SHA256_LEN, SHA256_LEN) != 0)
			FUZZ_CHECK(err != 0);
	}
	unsigned char *buf = malloc(size + SHA256_LEN);
	FUZZ_CHECK(buf != NULL);
	memcpy(buf, data, size);
	sha256(data, size, buf + size);
	uint64_t before[2], after[2];
	FUZZ_CHECK(store_read(st, census_txn, before) == 0);
	char why[1024];
	struct sync_stats s;
	err = sync_apply(st, NULL, buf, size + SHA256_LEN, &s, NULL, NULL, why, sizeof why);
	FUZZ_CHECK(store_read(st, census_txn, after) == 0);
	if (err)
		FUZZ_CHECK(before[0] == after[0] && before[1] == after[1] && *why);
	free(buf);
	return 0;
}
