// llm-stream.vala - streaming: text printed as the provider sends it
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   valac --pkg graphbit-1 llm-stream.vala provider.vala
//   ./llm-stream [openai|anthropic|ollama]

async int main (string[] args) {
    try {
        var client = new Graphbit.LlmClient (Example.config_from_args (args));
        var request = new Graphbit.LlmRequest ("Tell me a story");
        request.set_max_tokens (500);

        // The request is sent by the first next_async (); each call returns the
        // text of one network read, and null at the end.
        var stream = client.stream (request);
        string? chunk;
        while ((chunk = yield stream.next_async (null)) != null) {
            stdout.printf ("%s", chunk);
            stdout.flush ();
        }

        unowned var response = stream.get_response ();
        print ("\nfinish: %s, %u tokens\n", response.get_finish_reason (), response.get_completion_tokens ());
    } catch (GLib.Error e) {
        printerr ("\nstream failed: %s\n", e.message);
        return 1;
    }
    Graphbit.shutdown ();
    return 0;
}
