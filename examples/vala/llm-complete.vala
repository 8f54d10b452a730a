// llm-complete.vala - one completion, blocking and asynchronous, with its metadata
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   valac --pkg graphbit-1 llm-complete.vala provider.vala
//   ./llm-complete [openai|anthropic|ollama]

// An async main: Vala runs a main loop until it returns.
async int main (string[] args) {
    try {
        var client = new Graphbit.LlmClient (Example.config_from_args (args));

        // Blocking: waits without iterating any main context.
        var request = new Graphbit.LlmRequest ("Write a haiku about GLib.");
        request.set_max_tokens (100);
        request.set_temperature (0.7);
        print ("%s\n", client.complete (request));

        // A conversation, asynchronously, with the whole response.
        var chat = new Graphbit.LlmRequest (null);
        chat.add_message (Graphbit.LlmRole.SYSTEM, "Answer in one sentence.");
        chat.add_message (Graphbit.LlmRole.USER, "Say hello.");
        var response = yield client.complete_full_async (chat, null);
        print ("[%s] %s (finish: %s, %u tokens)\n", response.get_model (), response.get_content (),
               response.get_finish_reason (), response.get_total_tokens ());

        // graphbit's errors are the Graphbit.Error domain.
        try {
            client.complete (new Graphbit.LlmRequest (""));
        } catch (Graphbit.Error.VALIDATION e) {
            print ("refused: %s\n", e.message);
        }
    } catch (GLib.Error e) {
        printerr ("%s\n", e.message);
        return 1;
    }
    Graphbit.shutdown ();
    return 0;
}
