// llm-stream.js - streaming: text printed as the provider sends it
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   gjs -m llm-stream.js [openai|anthropic|ollama]

import Gio from 'gi://Gio';
import Graphbit from 'gi://Graphbit?version=1.0';

import {configFromArgv, runMain} from './provider.js';

Gio._promisify(Graphbit.LlmStream.prototype, 'next_async', 'next_finish');

const stdout = new Gio.UnixOutputStream({fd: 1, close_fd: false});
const encoder = new TextEncoder();

runMain(async () => {
    const client = Graphbit.LlmClient.new(configFromArgv());
    const request = Graphbit.LlmRequest.new('Tell me a story');
    request.set_max_tokens(500);

    // The request is sent by the first next_async(); each call resolves to the
    // text of one network read, and to null at the end.
    const stream = client.stream(request);
    for (let chunk; (chunk = await stream.next_async(null)) !== null;)
        stdout.write_all(encoder.encode(chunk), null);

    const response = stream.get_response();
    print(`\nfinish: ${response.get_finish_reason()}, ${response.get_completion_tokens()} tokens`);
});
