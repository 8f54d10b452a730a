// provider.vala - shared by the Vala examples: the provider named on the command line
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   ./example [openai|anthropic|ollama]
//
// Keys and base URLs come from the environment (OPENAI_API_KEY,
// OPENAI_BASE_URL, ANTHROPIC_API_KEY, OLLAMA_HOST, ...); GRAPHBIT_MODEL
// overrides the model.

namespace Example {
    public Graphbit.LlmConfig config_from_args (string[] args) throws GLib.Error {
        var provider = args.length > 1 ? args[1] : "openai";
        string? model = GLib.Environment.get_variable ("GRAPHBIT_MODEL");
        if (model == "")
            model = null;

        switch (provider) {
        case "openai":
            return new Graphbit.LlmConfig.openai (null, model, null);
        case "anthropic":
            return new Graphbit.LlmConfig.anthropic (null, model, null);
        case "ollama":
            return new Graphbit.LlmConfig.ollama (model, null);
        default:
            throw new GLib.OptionError.BAD_VALUE ("unknown provider '%s': use openai, anthropic or ollama", provider);
        }
    }
}
