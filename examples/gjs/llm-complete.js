// llm-complete.js - one completion and a conversation, with async/await
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   gjs -m llm-complete.js [openai|anthropic|ollama]

import Gio from 'gi://Gio';
import Graphbit from 'gi://Graphbit?version=1.0';

import {configFromArgv, runMain} from './provider.js';

// complete_async/complete_finish become one method returning a Promise.
Gio._promisify(Graphbit.LlmClient.prototype, 'complete_async', 'complete_finish');
Gio._promisify(Graphbit.LlmClient.prototype, 'complete_full_async', 'complete_full_finish');

runMain(async () => {
    const client = Graphbit.LlmClient.new(configFromArgv());

    const request = Graphbit.LlmRequest.new('Write a haiku about GLib.');
    request.set_max_tokens(100);
    request.set_temperature(0.7);
    print(await client.complete_async(request, null));

    // A conversation, with the whole response: model, finish reason, usage.
    const chat = Graphbit.LlmRequest.new(null);
    chat.add_message(Graphbit.LlmRole.SYSTEM, 'Answer in one sentence.');
    chat.add_message(Graphbit.LlmRole.USER, 'Say hello.');
    const response = await client.complete_full_async(chat, null);
    print(`[${response.get_model()}] ${response.get_content()} ` +
        `(finish: ${response.get_finish_reason()}, ${response.get_total_tokens()} tokens)`);

    // Errors are GLib.Error in the Graphbit domain.
    try {
        await client.complete_async(Graphbit.LlmRequest.new(''), null);
    } catch (error) {
        if (!error.matches(Graphbit.error_quark(), Graphbit.Error.VALIDATION))
            throw error;
        print(`refused: ${error.message}`);
    }
});
