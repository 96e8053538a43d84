/* cs-policy.h: a tenant's contact policy (issue 17): ranks in their order
 * and the rank pairs that may open a direct room, as the store keeps them.
 * Each store call runs on the connection of the job that holds it.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-records.h"

G_BEGIN_DECLS

typedef struct {
  GPtrArray  *ranks;   /* char*, in the tenant's order; empty: no policy */
  GHashTable *allow;   /* "from\x1fto" keys: the pairs that may */
} CsContactPolicy;

CsContactPolicy *cs_contact_policy_new      (void);
void             cs_contact_policy_free     (CsContactPolicy *policy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CsContactPolicy, cs_contact_policy_free)

void             cs_contact_policy_add_rank (CsContactPolicy *policy,
                                             const char      *rank);
void             cs_contact_policy_allow    (CsContactPolicy *policy,
                                             const char      *from_rank,
                                             const char      *to_rank);
gboolean         cs_contact_policy_has_rank (const CsContactPolicy *policy,
                                             const char            *rank);
/* Whether someone ranked @from_rank may open a direct room with someone
 * ranked @to_rank. A person without a rank (NULL), or a rank the policy no
 * longer lists, is not governed by it: TRUE. */
gboolean         cs_contact_policy_allows   (const CsContactPolicy *policy,
                                             const char            *from_rank,
                                             const char            *to_rank);

/* What an engine implements for this header: one entry per function below,
 * named without its prefix; the functions dispatch to it through the
 * connection's engine (store/README.md). */
struct _CsPolicyOps {
  CsContactPolicy *(*get) (CsDb *db, const char *tenant_id);
  gboolean (*replace) (CsDb *db, const char *tenant_id, const CsContactPolicy *policy);
  gboolean (*users_set_rank) (CsDb *db, const char *tenant_id, const char *user_id, const char *rank);
};

/* The policy of @tenant_id (never NULL; no ranks when it has none). */
static inline CsContactPolicy *
cs_policy_get (CsDb       *db,
               const char *tenant_id)
{
  CS_DB_NEEDS (db, policy, get);
  return db->engine->policy->get (db, tenant_id);
}

/* Replaces @tenant_id's policy with @policy; people whose rank it no
 * longer lists lose their rank. */
static inline gboolean
cs_policy_replace (CsDb                  *db,
                   const char            *tenant_id,
                   const CsContactPolicy *policy)
{
  CS_DB_NEEDS (db, policy, replace);
  return db->engine->policy->replace (db, tenant_id, policy);
}

/* @rank NULL: none. */
static inline gboolean
cs_users_set_rank (CsDb       *db,
                   const char *tenant_id,
                   const char *user_id,
                   const char *rank)
{
  CS_DB_NEEDS (db, policy, users_set_rank);
  return db->engine->policy->users_set_rank (db, tenant_id, user_id, rank);
}

G_END_DECLS
