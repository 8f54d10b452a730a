// Vala smoke test: compiled against the generated VAPI, it runs a blocking
// and an async completion and an embedding batch through the mock provider.
// SPDX-License-Identifier: LGPL-2.1-or-later

int main () {
    assert (Graphbit.get_version () != null);
    print ("ok - graphbit %s\n", Graphbit.get_version ());

    string url;
    GLib.Subprocess mock;
    try {
        mock = new GLib.Subprocess (GLib.SubprocessFlags.STDIN_PIPE | GLib.SubprocessFlags.STDOUT_PIPE,
                                    GLib.Environment.get_variable ("GRAPHBIT_MOCK_PROVIDER"));
        var out = new GLib.DataInputStream (mock.get_stdout_pipe ());
        var line = out.read_line_utf8 ();
        assert (line.has_prefix ("READY "));
        url = line.substring ("READY ".length) + "/v1";
    } catch (GLib.Error e) {
        error ("could not start the mock: %s", e.message);
    }

    try {
        var config = new Graphbit.LlmConfig.openai ("sk-vala", null, url);
        var client = new Graphbit.LlmClient (config);

        var text = client.complete (new Graphbit.LlmRequest ("from vala"), null);
        assert (text == "Mock reply to: from vala");
        print ("ok - blocking completion\n");

        var loop = new GLib.MainLoop ();
        string? async_text = null;
        client.complete_async.begin (new Graphbit.LlmRequest ("async vala"), null, (obj, res) => {
            try {
                async_text = client.complete_async.end (res);
            } catch (GLib.Error e) {
                error ("async completion failed: %s", e.message);
            }
            loop.quit ();
        });
        loop.run ();
        assert (async_text == "Mock reply to: async vala");
        print ("ok - async completion\n");

        var workflow = new Graphbit.Workflow ("vala");
        workflow.add_node (new Graphbit.Node.agent ("ask", "Hello {who}", null));
        workflow.add_node (new Graphbit.Node.transform ("shout", "uppercase"));
        workflow.connect ("ask", "shout");
        var executor = new Graphbit.Executor.high_throughput (config, 0);
        var inputs = new GLib.HashTable<string, string> (str_hash, str_equal);
        inputs["who"] = "vala";
        var result = executor.execute (workflow, inputs, null);
        assert (result.is_success ());
        assert (result.get_node_output ("shout") == "MOCK REPLY TO: HELLO VALA");
        print ("ok - workflow output flowed between nodes\n");

        workflow.connect ("shout", "ask");
        try {
            executor.execute (workflow, null, null);
            error ("a cycle must be refused");
        } catch (Graphbit.Error.VALIDATION e) {
            assert ("ask → shout → ask" in e.message);
            print ("ok - cycle refused as Graphbit.Error.VALIDATION\n");
        }
    } catch (GLib.Error e) {
        error ("completion failed: %s", e.message);
    }

    try {
        var embedder = new Graphbit.EmbeddingClient (new Graphbit.EmbeddingConfig.openai ("sk-vala", null, url));
        string[] texts = { "from vala", "vala again" };
        var vectors = embedder.embed_batch (texts, null);
        assert (vectors.get_n_vectors () == 2);
        var similarity = Graphbit.EmbeddingClient.similarity (vectors.get_vector (0), vectors.get_vector (1));
        assert (similarity > 0.3 && similarity < 1.0);
        print ("ok - embedding batch, cosine %.3f\n", similarity);
    } catch (GLib.Error e) {
        error ("embedding failed: %s", e.message);
    }

    // Errors arrive as the VAPI's error domain.
    try {
        GLib.Environment.unset_variable ("OPENAI_API_KEY");
        new Graphbit.LlmConfig.openai (null, null, null);
        error ("a missing key must fail");
    } catch (Graphbit.Error.CONFIGURATION e) {
        print ("ok - missing key is Graphbit.Error.CONFIGURATION\n");
    } catch (GLib.Error e) {
        error ("unexpected error: %s", e.message);
    }

    Graphbit.shutdown ();
    try {
        mock.get_stdin_pipe ().close ();
        mock.wait ();
    } catch (GLib.Error e) {
    }
    return 0;
}
