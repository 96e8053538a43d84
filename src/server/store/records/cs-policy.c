/* cs-policy.c: the contact policy record (engine-neutral).
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "cs-policy.h"

static char *
pair_key (const char *from_rank,
          const char *to_rank)
{
  return g_strconcat (from_rank, "\x1f", to_rank, NULL);
}

CsContactPolicy *
cs_contact_policy_new (void)
{
  CsContactPolicy *p = g_new0 (CsContactPolicy, 1);

  p->ranks = g_ptr_array_new_with_free_func (g_free);
  p->allow = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return p;
}

void
cs_contact_policy_free (CsContactPolicy *p)
{
  if (p == NULL)
    return;
  g_ptr_array_unref (p->ranks);
  g_hash_table_unref (p->allow);
  g_free (p);
}

void
cs_contact_policy_add_rank (CsContactPolicy *p,
                            const char      *rank)
{
  g_ptr_array_add (p->ranks, g_strdup (rank));
}

void
cs_contact_policy_allow (CsContactPolicy *p,
                         const char      *from_rank,
                         const char      *to_rank)
{
  g_hash_table_add (p->allow, pair_key (from_rank, to_rank));
}

gboolean
cs_contact_policy_has_rank (const CsContactPolicy *p,
                            const char            *rank)
{
  if (rank == NULL)
    return FALSE;
  for (guint i = 0; i < p->ranks->len; i++)
    if (g_str_equal (g_ptr_array_index (p->ranks, i), rank))
      return TRUE;
  return FALSE;
}

gboolean
cs_contact_policy_allows (const CsContactPolicy *p,
                          const char            *from_rank,
                          const char            *to_rank)
{
  g_autofree char *key = NULL;

  if (!cs_contact_policy_has_rank (p, from_rank) || !cs_contact_policy_has_rank (p, to_rank))
    return TRUE;
  key = pair_key (from_rank, to_rank);
  return g_hash_table_contains (p->allow, key);
}
