/* cs-limits.h: failures in a sliding window: sign-ins by account and by
 * address, and any other key by address ("invite:1.2.3.4"). CsLimits is
 * an interface (a vtable), one per server; cs_limits_memory_new () keeps
 * the windows in this process, for all its threads.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-config.h"

G_BEGIN_DECLS

typedef struct _CsLimits CsLimits;

typedef struct {
  guint (*check)   (CsLimits       *limits,
                    const CsConfig *config,
                    const char     *account_key,
                    const char     *address);
  void  (*fail)    (CsLimits       *limits,
                    const char     *account_key,
                    const char     *address);
  void  (*success) (CsLimits       *limits,
                    const char     *account_key);
  guint (*wait)    (CsLimits       *limits,
                    const char     *key,
                    guint           max,
                    guint           window_s);
  void  (*note)    (CsLimits       *limits,
                    const char     *key);
  void  (*free)    (CsLimits       *limits);
} CsLimitsVTable;

struct _CsLimits {
  const CsLimitsVTable *vtable;
};

CsLimits *cs_limits_memory_new (void);
void      cs_limits_free       (CsLimits *limits);

/* Sign-in failures. Returns the seconds to wait before another try is
 * allowed, or 0. */
static inline guint
cs_limits_check (CsLimits       *limits,
                 const CsConfig *config,
                 const char     *account_key,
                 const char     *address)
{
  return limits->vtable->check (limits, config, account_key, address);
}

static inline void
cs_limits_fail (CsLimits   *limits,
                const char *account_key,
                const char *address)
{
  limits->vtable->fail (limits, account_key, address);
}

static inline void
cs_limits_success (CsLimits   *limits,
                   const char *account_key)
{
  limits->vtable->success (limits, account_key);
}

/* The same sliding window for any other key. */
static inline guint
cs_limits_wait (CsLimits   *limits,
                const char *key,
                guint       max,
                guint       window_s)
{
  return limits->vtable->wait (limits, key, max, window_s);
}

static inline void
cs_limits_note (CsLimits   *limits,
                const char *key)
{
  limits->vtable->note (limits, key);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsLimits, cs_limits_free)

G_END_DECLS
