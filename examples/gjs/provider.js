// provider.js - shared by the GJS examples: the provider named on the command line
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   gjs -m example.js [openai|anthropic|ollama]
//
// Keys and base URLs come from the environment (OPENAI_API_KEY,
// OPENAI_BASE_URL, ANTHROPIC_API_KEY, OLLAMA_HOST, ...); GRAPHBIT_MODEL
// overrides the model.

import GLib from 'gi://GLib';
import Graphbit from 'gi://Graphbit?version=1.0';
import System from 'system';

export function configFromArgv() {
    const provider = System.programArgs[0] ?? 'openai';
    const model = GLib.getenv('GRAPHBIT_MODEL') || null;
    switch (provider) {
    case 'openai':
        return Graphbit.LlmConfig.openai(null, model, null);
    case 'anthropic':
        return Graphbit.LlmConfig.anthropic(null, model, null);
    case 'ollama':
        return Graphbit.LlmConfig.ollama(model, null);
    default:
        throw new Error(`unknown provider '${provider}': use openai, anthropic or ollama`);
    }
}

// Runs the async function `main` on a GLib main loop (graphbit's callbacks are
// dispatched there), then shuts graphbit down and exits with 1 if it threw.
export function runMain(main) {
    const loop = new GLib.MainLoop(null, false);
    let status = 0;
    main().catch(error => {
        printerr(error.message);
        status = 1;
    }).finally(() => loop.quit());
    loop.run();
    Graphbit.shutdown();
    System.exit(status);
}
