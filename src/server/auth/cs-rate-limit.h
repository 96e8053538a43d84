/* cs-rate-limit.h: a token bucket per key (the message rate limit per
 * user). In memory, one per server; safe from any thread.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _CsRateLimit CsRateLimit;

/* @per_minute tokens a minute, at most @burst saved up; @per_minute 0
 * means no limit. */
CsRateLimit *cs_rate_limit_new  (guint        per_minute,
                                 guint        burst);
void         cs_rate_limit_free (CsRateLimit *limit);
/* Takes one token for @key at @now_us (monotonic microseconds). Returns 0
 * when one was there, or else the whole seconds until one will be (and
 * takes nothing). */
guint        cs_rate_limit_take (CsRateLimit *limit,
                                 const char  *key,
                                 gint64       now_us);
/* Several nodes (cs-server-shared.c): @func is called, from the taking
 * thread and outside the lock, after each token taken here ... */
typedef void (*CsRateLimitTaken) (const char *key,
                                  gpointer    data);
void         cs_rate_limit_set_taken (CsRateLimit     *limit,
                                      CsRateLimitTaken func,
                                      gpointer         data);
/* ... and the tokens other nodes took for @key are drained from its
 * bucket here (it may go below zero: the wait grows accordingly). */
void         cs_rate_limit_drain (CsRateLimit *limit,
                                  const char  *key,
                                  double       n,
                                  gint64       now_us);
/* Keys tracked (for tests: idle buckets are forgotten). */
guint        cs_rate_limit_size (CsRateLimit *limit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsRateLimit, cs_rate_limit_free)

G_END_DECLS
