/* cc-policy.h: the organisation's contact policy (issue 17): ranks in
 * their order and which rank may open a direct room with which. Typed
 * calls over /api/admin/contact-policy and PATCH /api/admin/users/{id}
 * {rank}; no JSON reaches the UI.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cc-client.h"

G_BEGIN_DECLS

#define CC_TYPE_CONTACT_POLICY (cc_contact_policy_get_type ())
G_DECLARE_FINAL_TYPE (CcContactPolicy, cc_contact_policy, CC, CONTACT_POLICY, GObject)

/* The longest rank name and the most ranks the server takes. */
#define CC_CONTACT_POLICY_MAX_RANKS      20
#define CC_CONTACT_POLICY_RANK_MAX_CHARS 40

CcContactPolicy    *cc_contact_policy_new         (void);
CcContactPolicy    *cc_contact_policy_copy        (CcContactPolicy *self);
/* The ranks in order (NULL-terminated, owned by @self). */
const char * const *cc_contact_policy_get_ranks   (CcContactPolicy *self);
guint               cc_contact_policy_get_n_ranks (CcContactPolicy *self);
gboolean            cc_contact_policy_has_rank    (CcContactPolicy *self,
                                                   const char      *rank);
gboolean            cc_contact_policy_allows      (CcContactPolicy *self,
                                                   const char      *from_rank,
                                                   const char      *to_rank);
void                cc_contact_policy_set_allowed (CcContactPolicy *self,
                                                   const char      *from_rank,
                                                   const char      *to_rank,
                                                   gboolean         allowed);
/* Appends @rank, allowed to reach and be reached by every rank (nothing
 * changes for anyone until the matrix says otherwise). FALSE when it is
 * there already (any case). */
gboolean            cc_contact_policy_add_rank    (CcContactPolicy *self,
                                                   const char      *rank);
void                cc_contact_policy_remove_rank (CcContactPolicy *self,
                                                   const char      *rank);
/* Moves @rank one place up (towards the top of the organisation). */
void                cc_contact_policy_move_up     (CcContactPolicy *self,
                                                   const char      *rank);

/* GET /api/admin/contact-policy (tenant admin). */
void             cc_client_get_contact_policy_async  (CcClient            *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
CcContactPolicy *cc_client_get_contact_policy_finish (CcClient      *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* PUT /api/admin/contact-policy: finish gives the policy as stored. Bad
 * input is CAU_ERROR_BAD_REQUEST with the server's sentence. */
void             cc_client_set_contact_policy_async  (CcClient            *self,
                                                      CcContactPolicy     *policy,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
CcContactPolicy *cc_client_set_contact_policy_finish (CcClient      *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);
/* PATCH /api/admin/users/{id} {rank}: @rank NULL takes it away. Finish
 * gives the updated CcUser. */
void             cc_client_set_user_rank_async       (CcClient            *self,
                                                      const char          *user_id,
                                                      const char          *rank,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
CcUser          *cc_client_set_user_rank_finish      (CcClient      *self,
                                                      GAsyncResult  *result,
                                                      GError       **error);

G_END_DECLS
