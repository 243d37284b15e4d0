/* tally.h: what adds up from service records: a volunteer's hours, what
 * is left of a resource, the records that point to a resident, a
 * volunteer, an organisation or a resource (through the "link" index:
 * every record id named in any field of a record), and the volunteer
 * service certificate (志愿服务记录证明).  No curses. */
#ifndef SHEGONG_TALLY_H
#define SHEGONG_TALLY_H

#include <stdbool.h>
#include <stddef.h>

#include "record.h"
#include "store.h"

/* Call fn with each record of kind (0 = any kind) that names target in
 * one of its fields, in index order.  fn returns nonzero to stop. */
int tally_links(store_txn *t, const rec_id *target, int kind,
                int (*fn)(const record *r, void *ctx), void *ctx);
/* The same, leaving out the records the worker's scope may not read (a
 * record of another unit that names target) where tally_links fails
 * with STORE_DENIED: for what a worker is shown of their own records. */
int tally_links_seen(store_txn *t, const rec_id *target, int kind,
                     int (*fn)(const record *r, void *ctx), void *ctx);

/* A volunteer's service: the hours of every service record that lists
 * them in its "volunteers" field (id:hours pairs), and how many services. */
int tally_volunteer_hours(store_txn *t, const rec_id *volunteer, double *hours,
                          size_t *services);

/* A resource: how much of it service records used (their "resources"
 * field, id:quantity pairs), and what is left of its "quantity" field
 * (left = quantity - used; has_quantity false when the resource states
 * none). */
int tally_resource(store_txn *t, const rec_id *resource, double *used, double *left,
                   bool *has_quantity);

/* The volunteer service certificate as plain text for printing: the
 * volunteer's name and ID number, total hours, what they did (service
 * contents and dates), the issuing room, the date and a certificate
 * number.  malloc'd UTF-8, or NULL with *err a store_err. */
char *tally_certificate(store *st, const rec_id *volunteer, const char *room,
                        const char *date, int *err);

#endif
