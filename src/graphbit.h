/* graphbit.h - the graphbit library: LLM and embedding clients and workflows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#define GRAPHBIT_INSIDE
# include "graphbit-version.h"
# include "graphbit-version-macros.h"
# include "graphbit-enum-types.h"
# include "graphbit-error.h"
# include "graphbit-init.h"
# include "graphbit-runtime.h"
# include "graphbit-completion-queue.h"
# include "graphbit-llm-config.h"
# include "graphbit-llm-request.h"
# include "graphbit-llm-response.h"
# include "graphbit-llm-stream.h"
# include "graphbit-llm-batch.h"
# include "graphbit-llm-client.h"
# include "graphbit-node.h"
# include "graphbit-workflow.h"
# include "graphbit-workflow-result.h"
# include "graphbit-executor.h"
# include "graphbit-embedding-config.h"
# include "graphbit-embeddings.h"
# include "graphbit-embedding-document.h"
# include "graphbit-embedding-client.h"
#undef GRAPHBIT_INSIDE
