// GJS smoke test: the typelib loads, and a completion and an embedding batch round-trip through
// the mock provider with the library's async API on GJS's own main loop.
// SPDX-License-Identifier: LGPL-2.1-or-later

imports.gi.versions.Graphbit = '1.0';
const {GLib, Gio, Graphbit} = imports.gi;
const System = imports.system;

function check(condition, message) {
    if (!condition) {
        printerr(`FAIL: ${message}`);
        System.exit(1);
    }
    print(`ok - ${message}`);
}

check(Graphbit.get_version() === '0.1.0' || /^\d+\.\d+\.\d+$/.test(Graphbit.get_version()),
    `Graphbit.get_version() is a version (${Graphbit.get_version()})`);

const info = Graphbit.get_system_info().recursiveUnpack();
check(info.version === Graphbit.get_version(), 'system info reports the same version');

// Start the mock provider and read its URL.
const mock = Gio.Subprocess.new([GLib.getenv('GRAPHBIT_MOCK_PROVIDER')],
    Gio.SubprocessFlags.STDIN_PIPE | Gio.SubprocessFlags.STDOUT_PIPE);
const out = new Gio.DataInputStream({base_stream: mock.get_stdout_pipe()});
const [line] = out.read_line_utf8(null);
check(line.startsWith('READY '), 'mock provider started');
const base = `${line.substring('READY '.length)}/v1`;

const config = Graphbit.LlmConfig.openai('sk-gjs', null, base);
check(config.get_provider_name() === 'openai', 'OpenAI config from its constructor');

// A missing key is a typed GLib error in the graphbit domain.
GLib.unsetenv('OPENAI_API_KEY');
let threw = false;
try {
    Graphbit.LlmConfig.openai(null, null, null);
} catch (e) {
    threw = e.matches(Graphbit.error_quark(), Graphbit.Error.CONFIGURATION);
}
check(threw, 'missing key raises Graphbit.Error.CONFIGURATION');

const client = Graphbit.LlmClient.new(config);
const loop = GLib.MainLoop.new(null, false);
let text = null;
client.complete_async(Graphbit.LlmRequest.new('from gjs'), null, (source, result) => {
    text = source.complete_finish(result);
    loop.quit();
});
loop.run();
check(text === 'Mock reply to: from gjs', `async completion returned "${text}"`);

// A two-node workflow through the executor's async API, with progress signals.
const workflow = Graphbit.Workflow.new('gjs');
workflow.add_node(Graphbit.Node.agent('ask', 'Hello {who}', null));
workflow.add_node(Graphbit.Node.transform('shout', 'uppercase'));
workflow.connect('ask', 'shout');
const executor = Graphbit.Executor.new(config, Graphbit.ExecutionMode.BALANCED, 0);
const finished = [];
executor.connect('node-finished', (_executor, name, status) => finished.push(`${name}:${status}`));
let outcome = null;
executor.execute_async(workflow, {who: 'gjs'}, null, (source, result) => {
    outcome = source.execute_finish(result);
    loop.quit();
});
loop.run();
check(outcome.is_success(), 'workflow completed');
check(outcome.get_node_output('shout') === 'MOCK REPLY TO: HELLO GJS',
    `output flowed between nodes ("${outcome.get_node_output('shout')}")`);
check(finished.join(',') === `ask:${Graphbit.NodeStatus.COMPLETED},shout:${Graphbit.NodeStatus.COMPLETED}`,
    `node-finished signals in order (${finished.join(',')})`);
// Embeddings: a batch comes back as one block of doubles, in input order.
const embedder = Graphbit.EmbeddingClient.new(Graphbit.EmbeddingConfig.ollama(null, line.substring('READY '.length)));
let vectors = null;
embedder.embed_batch_async(['from gjs', 'gjs again'], null, (source, result) => {
    vectors = source.embed_batch_finish(result);
    loop.quit();
});
loop.run();
check(vectors.get_n_vectors() === 2 && vectors.get_dimensions() === 768, 'async embedding batch: 2 x 768');
const similarity = Graphbit.EmbeddingClient.similarity(vectors.get_vector(0), vectors.get_vector(1));
check(similarity > 0.3 && similarity < 1, `similar texts have a cosine of ${similarity.toFixed(3)}`);

Graphbit.shutdown();
mock.get_stdin_pipe().close(null);
mock.wait(null);
check(true, 'shut down cleanly');
