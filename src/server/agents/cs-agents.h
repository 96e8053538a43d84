/* cs-agents.h: agents answering when mentioned. The runner listens to the
 * bus for committed messages that mention an agent of the room, asks the
 * configured OpenAI-compatible chat-completions endpoint for a streamed
 * answer (libsoup, on the main context), and grows the agent's answer
 * through the store's writer like any other write.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "cs-bus.h"
#include "cs-ctx.h"

G_BEGIN_DECLS

typedef struct _CsAgents CsAgents;

/* Subscribes to @bus, and ends the answers a crash left streaming. Runs
 * on the main context, as every call below. */
CsAgents *cs_agents_new   (CsConfig   *config,
                           CsStore    *store,
                           CsPresence *presence,
                           CsBus      *bus);
/* Ends every answer still streaming (stored at once, before the store
 * closes), then stops listening. */
void      cs_agents_free  (CsAgents   *agents);
/* Answers being streamed now. */
guint     cs_agents_active (CsAgents  *agents);

G_END_DECLS
