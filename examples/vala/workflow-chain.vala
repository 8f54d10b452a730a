// workflow-chain.vala - a sequential chain (research → draft → polish) with progress signals
// SPDX-License-Identifier: LGPL-2.1-or-later
//
//   valac --pkg graphbit-1 workflow-chain.vala provider.vala
//   ./workflow-chain [openai|anthropic|ollama]

async int main (string[] args) {
    try {
        var workflow = new Graphbit.Workflow ("article");
        workflow.add_node (new Graphbit.Node.agent ("research", "List three facts about {topic}.", null));
        workflow.add_node (new Graphbit.Node.agent ("draft", "Write one paragraph from these facts.", null));
        workflow.add_node (new Graphbit.Node.transform ("polish", "trim"));
        workflow.connect ("research", "draft");   // draft sees research's output
        workflow.connect ("draft", "polish");

        // 0: the mode's default timeout (300 s).
        var executor = new Graphbit.Executor (Example.config_from_args (args), Graphbit.ExecutionMode.BALANCED, 0);
        executor.node_started.connect ((name) => print ("started %s\n", name));
        executor.node_finished.connect ((name, status) => {
            // The status's nick: "completed", "failed", "skipped", ...
            unowned var value = ((GLib.EnumClass) typeof (Graphbit.NodeStatus).class_ref ()).get_value (status);
            print ("finished %s: %s\n", name, value.value_nick);
        });

        // Inputs fill {topic}.
        var inputs = new GLib.HashTable<string, string> (str_hash, str_equal);
        inputs["topic"] = "the GLib main loop";
        var result = yield executor.execute_async (workflow, inputs, null);
        result.check ();   // throws the first failed node's error, if any
        print ("\n%s\n\n%.0f ms, %u prompt tokens\n", result.get_node_output ("polish"),
               result.get_execution_time_ms (), result.get_prompt_tokens ());
    } catch (GLib.Error e) {
        printerr ("%s\n", e.message);
        return 1;
    }
    Graphbit.shutdown ();
    return 0;
}
