/* cs-agents.h: agents answering when mentioned. The runner is handed the
 * messages this node's store committed (cs_agents_committed: only the node
 * that stored a mention answers it, however many nodes hear of it on the
 * bus) and listens to the bus for deletions. For a mention of an agent of
 * the room it asks the configured OpenAI-compatible chat-completions
 * endpoint for a streamed answer (libsoup, on the main context), and grows the agent's answer
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
/* Events this node's store committed (never those heard from other
 * nodes): mentions of agents are answered. */
void      cs_agents_committed (CsAgents  *agents,
                               GPtrArray *events);
/* Answers being streamed now. */
guint     cs_agents_active (CsAgents  *agents);

G_END_DECLS
