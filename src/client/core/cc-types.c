/* cc-types.c: GTypes of the client core's enums.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "cc-types"

#include "cc-types.h"

G_DEFINE_ENUM_TYPE (CcMessageState, cc_message_state,
  G_DEFINE_ENUM_VALUE (CC_MESSAGE_STATE_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (CC_MESSAGE_STATE_STORED, "stored"),
  G_DEFINE_ENUM_VALUE (CC_MESSAGE_STATE_FAILED, "failed"))

G_DEFINE_ENUM_TYPE (CcSyncState, cc_sync_state,
  G_DEFINE_ENUM_VALUE (CC_SYNC_STATE_OFFLINE, "offline"),
  G_DEFINE_ENUM_VALUE (CC_SYNC_STATE_CONNECTING, "connecting"),
  G_DEFINE_ENUM_VALUE (CC_SYNC_STATE_SYNCING, "syncing"),
  G_DEFINE_ENUM_VALUE (CC_SYNC_STATE_ONLINE, "online"))

G_DEFINE_ENUM_TYPE (CcAttachmentState, cc_attachment_state,
  G_DEFINE_ENUM_VALUE (CC_ATTACHMENT_REMOTE, "remote"),
  G_DEFINE_ENUM_VALUE (CC_ATTACHMENT_QUEUED, "queued"),
  G_DEFINE_ENUM_VALUE (CC_ATTACHMENT_UPLOADING, "uploading"),
  G_DEFINE_ENUM_VALUE (CC_ATTACHMENT_FAILED, "failed"))
