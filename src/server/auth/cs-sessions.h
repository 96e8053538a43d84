/* cs-sessions.h: the live sessions, which the event loop checks without
 * touching the disk. CsSessions is an interface (a vtable), one per
 * server; cs_sessions_memory_new () keeps them in this process, for all
 * its threads.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char  *user_id;
  char  *tenant_id;
  gint64 expires_at_ms;
} CsSessionInfo;

typedef struct _CsSessions CsSessions;

typedef struct {
  void     (*add)            (CsSessions    *sessions,
                              const char    *token_hash,
                              const char    *user_id,
                              const char    *tenant_id,
                              gint64         expires_at_ms);
  void     (*remove)         (CsSessions    *sessions,
                              const char    *token_hash);
  void     (*remove_user)    (CsSessions    *sessions,
                              const char    *user_id);
  void     (*remove_expired) (CsSessions    *sessions,
                              gint64         now_ms);
  gboolean (*lookup)         (CsSessions    *sessions,
                              const char    *token_hash,
                              CsSessionInfo *out);
  void     (*free)           (CsSessions    *sessions);
} CsSessionsVTable;

struct _CsSessions {
  const CsSessionsVTable *vtable;
};

CsSessions *cs_sessions_memory_new (void);
void        cs_sessions_free       (CsSessions *sessions);

static inline void
cs_sessions_add (CsSessions *sessions,
                 const char *token_hash,
                 const char *user_id,
                 const char *tenant_id,
                 gint64      expires_at_ms)
{
  sessions->vtable->add (sessions, token_hash, user_id, tenant_id, expires_at_ms);
}

static inline void
cs_sessions_remove (CsSessions *sessions,
                    const char *token_hash)
{
  sessions->vtable->remove (sessions, token_hash);
}

static inline void
cs_sessions_remove_user (CsSessions *sessions,
                         const char *user_id)
{
  sessions->vtable->remove_user (sessions, user_id);
}

/* Forgets the sessions that expired at or before @now_ms. */
static inline void
cs_sessions_remove_expired (CsSessions *sessions,
                            gint64      now_ms)
{
  sessions->vtable->remove_expired (sessions, now_ms);
}

/* Fills @out (strings newly allocated) and returns TRUE for a live session. */
static inline gboolean
cs_sessions_lookup (CsSessions    *sessions,
                    const char    *token_hash,
                    CsSessionInfo *out)
{
  return sessions->vtable->lookup (sessions, token_hash, out);
}

void cs_session_info_clear (CsSessionInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsSessions, cs_sessions_free)

G_END_DECLS
