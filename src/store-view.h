/* store-view.h: a record's bytes read in place, in the database's map,
 * not copied and not decoded (record_view reads fields from them), for a
 * reader that goes through many records and needs a few fields of each
 * (the home screen's to-do count, today.c).  Apart from store.h so that
 * the store's own files stay as they are. */
#ifndef SHEGONG_STORE_VIEW_H
#define SHEGONG_STORE_VIEW_H

#include <stddef.h>

#include "record.h"
#include "store.h"

/* The stored encoding of the record id in *p, *len: valid until t ends
 * (or, in a write transaction, until the next write).  STORE_NOTFOUND
 * (the transaction goes on) or another store error.  No policy is
 * applied: the caller keeps to the worker's scope itself, reading only
 * what store_get would let the scope attached to the store read. */
int store_view(store_txn *t, const rec_id *id, const unsigned char **p, size_t *len);

#endif
