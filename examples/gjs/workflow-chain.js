// workflow-chain.js - a sequential chain (research → draft → polish) with progress signals
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   gjs -m workflow-chain.js [openai|anthropic|ollama]

import Gio from 'gi://Gio';
import Graphbit from 'gi://Graphbit?version=1.0';

import {configFromArgv, runMain} from './provider.js';

Gio._promisify(Graphbit.Executor.prototype, 'execute_async', 'execute_finish');

// "COMPLETED", "FAILED", ... for a Graphbit.NodeStatus value.
function statusName(status) {
    return Object.keys(Graphbit.NodeStatus).find(key => Graphbit.NodeStatus[key] === status);
}

runMain(async () => {
    const workflow = Graphbit.Workflow.new('article');
    workflow.add_node(Graphbit.Node.agent('research', 'List three facts about {topic}.', null));
    workflow.add_node(Graphbit.Node.agent('draft', 'Write one paragraph from these facts.', null));
    workflow.add_node(Graphbit.Node.transform('polish', 'trim'));
    workflow.connect('research', 'draft');   // draft sees research's output
    workflow.connect('draft', 'polish');

    // 0: the mode's default timeout (300 s).
    const executor = Graphbit.Executor.new(configFromArgv(), Graphbit.ExecutionMode.BALANCED, 0);
    executor.connect('node-started', (_executor, name) => print(`started ${name}`));
    executor.connect('node-finished', (_executor, name, status) =>
        print(`finished ${name}: ${statusName(status)}`));

    // Inputs fill {topic}; a JS object becomes the GHashTable of strings.
    const result = await executor.execute_async(workflow, {topic: 'the GLib main loop'}, null);
    result.check();   // throws the first failed node's error, if any
    print(`\n${result.get_node_output('polish')}\n`);
    print(`${result.get_execution_time_ms().toFixed(0)} ms, ${result.get_prompt_tokens()} prompt tokens`);
});
