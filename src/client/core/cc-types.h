/* cc-types.h: enums shared by the client core's public types.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * CcMessageState:
 * @CC_MESSAGE_STATE_PENDING: typed here, waiting in the outbox (a clock).
 * @CC_MESSAGE_STATE_STORED: stored on the server (one tick, or two when read).
 * @CC_MESSAGE_STATE_FAILED: the server refused it; see the message's "error"
 *   property, then cc_client_retry_message() or cc_client_discard_message().
 */
typedef enum {
  CC_MESSAGE_STATE_PENDING,
  CC_MESSAGE_STATE_STORED,
  CC_MESSAGE_STATE_FAILED,
} CcMessageState;

/**
 * CcSyncState:
 * @CC_SYNC_STATE_OFFLINE: no connection; a reconnect may be scheduled.
 * @CC_SYNC_STATE_CONNECTING: opening the WebSocket.
 * @CC_SYNC_STATE_SYNCING: connected, catching up on missed events.
 * @CC_SYNC_STATE_ONLINE: caught up; live events flow.
 */
typedef enum {
  CC_SYNC_STATE_OFFLINE,
  CC_SYNC_STATE_CONNECTING,
  CC_SYNC_STATE_SYNCING,
  CC_SYNC_STATE_ONLINE,
} CcSyncState;

/**
 * CcAttachmentState:
 * @CC_ATTACHMENT_REMOTE: on the server: the id is set.
 * @CC_ATTACHMENT_QUEUED: waiting in the outbox (offline, or behind others).
 * @CC_ATTACHMENT_UPLOADING: going up; "progress" moves from 0 to 1.
 * @CC_ATTACHMENT_FAILED: "error" says why; retry or discard through the
 *   message (cc_client_retry_message(), cc_client_discard_message()).
 */
typedef enum {
  CC_ATTACHMENT_REMOTE,
  CC_ATTACHMENT_QUEUED,
  CC_ATTACHMENT_UPLOADING,
  CC_ATTACHMENT_FAILED,
} CcAttachmentState;

#define CC_TYPE_MESSAGE_STATE (cc_message_state_get_type ())
GType cc_message_state_get_type (void);

#define CC_TYPE_SYNC_STATE (cc_sync_state_get_type ())
GType cc_sync_state_get_type (void);

#define CC_TYPE_ATTACHMENT_STATE (cc_attachment_state_get_type ())
GType cc_attachment_state_get_type (void);

G_END_DECLS
