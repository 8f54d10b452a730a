"""Workflows: nodes, the graph, the executor and its results."""

from __future__ import annotations

import json
from typing import Any, Awaitable, Dict, List, Mapping, Optional, Tuple

from . import _dispatch
from ._errors import ValidationError, call
from ._common import c_text, count as _count, seconds as _seconds
from ._llm import LlmConfig
from ._native import Graphbit

__all__ = ["Node", "Workflow", "Executor", "WorkflowResult"]


def _optional_str(name: str, value: Any) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")
    return value if value is None else c_text(name, value, "workflow")


def _str(name: str, value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, not {type(value).__name__}")
    return c_text(name, value, "workflow")


class Node:
    """One step of a workflow: an agent, a transform, a condition or a delay.

    Build nodes with ``Node.agent()``, ``Node.transform()``,
    ``Node.condition()`` or ``Node.delay()``. A node is immutable and gets a
    random UUID as its ``id()`` when made; add it to a ``Workflow``.
    """

    __slots__ = ("_native",)

    def __init__(self, native: Any = None) -> None:
        if not isinstance(native, Graphbit.Node):
            raise TypeError(
                "Node has no public constructor: use Node.agent(), Node.transform(), "
                "Node.condition() or Node.delay()"
            )
        self._native = native

    @staticmethod
    def agent(
        name: str,
        prompt: str,
        agent_id: Optional[str] = None,
        system_prompt: Optional[str] = None,
        max_tokens: Optional[int] = None,
        temperature: Optional[float] = None,
        llm_config: Optional[LlmConfig] = None,
    ) -> "Node":
        """An LLM call. ``prompt`` may use ``{var}`` (an execution input, or
        ``{input}``: the parents' outputs) and ``{{node.NAME}}`` /
        ``{{node.NAME.json.path}}`` (an upstream node's output). Direct
        parents' outputs not placed in the prompt are sent before it as
        context. ``llm_config`` overrides the executor's provider for this node.
        """
        if llm_config is not None and not isinstance(llm_config, LlmConfig):
            raise TypeError(f"llm_config must be a graphbit.LlmConfig or None, not {type(llm_config).__name__}")
        return Node(
            call(
                Graphbit.Node.agent_full,
                _str("name", name),
                _str("prompt", prompt),
                _optional_str("agent_id", agent_id),
                _optional_str("system_prompt", system_prompt),
                # C reads 0 as "not set", so an explicit 0 goes as -1 to be rejected.
                -1 if max_tokens == 0 else _count("max_tokens", max_tokens, 0),
                _seconds("temperature", temperature, float("nan")),
                llm_config._native if llm_config is not None else None,
            )
        )

    @staticmethod
    def transform(name: str, transformation: str) -> "Node":
        """Transforms its input (the parents' outputs, joined by blank lines):
        ``uppercase``, ``lowercase``, ``trim``, ``json_extract:<path>``,
        ``split:<separator>`` (to a JSON array), ``join:<separator>`` (of a JSON
        array) or ``template:<text>`` (with ``{input}``, ``{var}`` and ``{{node.NAME}}``).
        """
        return Node(call(Graphbit.Node.transform, _str("name", name), _str("transformation", transformation)))

    @staticmethod
    def condition(name: str, expression: str) -> "Node":
        """Chooses a branch: ``expression`` is a small, safe language of
        comparisons (``== != < <= > >= contains startswith endswith``), ``and``,
        ``or``, ``not``, numbers, quoted strings, input names, ``input`` and
        ``node.NAME[.json.path]``. Connect its children with
        ``connect(cond, child, condition=True/False)``.
        """
        return Node(call(Graphbit.Node.condition, _str("name", name), _str("expression", expression)))

    @staticmethod
    def delay(name: str, seconds: float) -> "Node":
        """Waits ``seconds`` (0 to 86400), then passes its input on."""
        return Node(call(Graphbit.Node.delay, _str("name", name), _seconds("seconds", seconds, float("nan"))))

    def id(self) -> str:
        """The node's UUID."""
        return self._native.get_id()

    def name(self) -> str:
        """The node's name, unique in its workflow."""
        return self._native.get_name()

    def kind(self) -> str:
        """``"agent"``, ``"transform"``, ``"condition"`` or ``"delay"``."""
        return self._native.get_kind_name()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Node) and other.id() == self.id()

    def __hash__(self) -> int:
        return hash(self.id())

    def __repr__(self) -> str:
        return f"Node.{self.kind()}(name={self.name()!r}, id={self.id()!r})"


class Workflow:
    """A directed acyclic graph of nodes.

    ``add_node()`` returns the node's id; ``connect()`` takes ids or names.
    ``validate()`` (and every execution) rejects cycles, naming the nodes on
    them, references to nodes that are not upstream, and empty workflows.
    """

    __slots__ = ("_native",)

    def __init__(self, name: str) -> None:
        """An empty workflow called ``name``; add nodes, then connect them."""
        self._native = Graphbit.Workflow.new(_str("name", name))

    @staticmethod
    def from_json(text: str) -> "Workflow":
        """A workflow from ``to_json()``'s text (node ids are kept)."""
        workflow = Workflow.__new__(Workflow)
        workflow._native = call(Graphbit.Workflow.new_from_json, _str("text", text))
        return workflow

    def add_node(self, node: Node) -> str:
        """Adds ``node`` and returns its id. Names and ids must be unique."""
        if not isinstance(node, Node):
            raise TypeError(f"node must be a graphbit.Node, not {type(node).__name__}")
        return call(self._native.add_node, node._native)

    def connect(self, from_node: str, to_node: str, condition: Optional[bool] = None) -> None:
        """Adds an edge from one node (id or name) to another. From a condition
        node, ``condition=True`` or ``False`` says on which value it is taken."""
        from_node, to_node = _str("from_node", from_node), _str("to_node", to_node)
        if condition is None:
            call(self._native.connect, from_node, to_node)
        elif isinstance(condition, bool):
            call(self._native.connect_when, from_node, to_node, condition)
        else:
            raise TypeError(f"condition must be a bool or None, not {type(condition).__name__}")

    def validate(self) -> None:
        """Raises ``ValidationError`` (a ``ValueError``) if the workflow cannot run."""
        call(self._native.validate)

    def name(self) -> str:
        """The name the workflow was created with."""
        return self._native.get_name()

    def node_count(self) -> int:
        """The number of nodes added."""
        return self._native.get_node_count()

    def edge_count(self) -> int:
        """The number of edges (``connect()`` calls)."""
        return self._native.get_edge_count()

    def get_node(self, name_or_id: str) -> Optional[Node]:
        """The node with this name or id, or None."""
        native = self._native.get_node(_str("name_or_id", name_or_id))
        return Node(native) if native is not None else None

    def nodes(self) -> List[Node]:
        """The nodes, in the order they were added."""
        return [Node(native) for native in self._native.get_nodes()]

    def to_json(self) -> str:
        """The workflow as JSON (API keys of per-node configs are never written)."""
        return self._native.to_json()

    def to_dot(self) -> str:
        """The graph in Graphviz DOT."""
        return self._native.to_dot()

    def __repr__(self) -> str:
        return f"Workflow(name={self.name()!r}, nodes={self.node_count()}, edges={self.edge_count()})"


class WorkflowResult:
    """What one run produced: its state, per-node outputs, statuses, timing,
    token usage and errors, and the variables (inputs, outputs by node name,
    and ``node_result_N`` in finishing order, as GraphBit v0.1 had them)."""

    __slots__ = ("_native",)

    def __init__(self, native: Any = None) -> None:
        if not isinstance(native, Graphbit.WorkflowResult):
            raise TypeError("WorkflowResult has no public constructor: executors return it")
        self._native = native

    def is_success(self) -> bool:
        """Whether the run completed with no node failing."""
        return self._native.is_success()

    def is_failed(self) -> bool:
        """Whether a node failed (``error()`` says why, ``check()`` raises it)."""
        return self._native.is_failed()

    def state(self) -> str:
        """``"Completed"`` or ``"Failed"``."""
        return self._native.get_state_name()

    def error(self) -> Optional[str]:
        """The first node failure's message, or None."""
        return self._native.get_error_message()

    def check(self) -> "WorkflowResult":
        """Raises the first node failure as its typed exception; returns self otherwise."""
        call(self._native.check)
        return self

    def workflow_name(self) -> str:
        """The name of the workflow that ran."""
        return self._native.get_workflow_name()

    def execution_time_ms(self) -> float:
        """How long the run took, in milliseconds."""
        return self._native.get_execution_time_ms()

    def get_node_output(self, name_or_id: str) -> Optional[str]:
        """A node's output text, or None if it has none (it did not complete,
        or in MemoryOptimized mode it was not a final node)."""
        return self._native.get_node_output(_str("name_or_id", name_or_id))

    def get_all_node_outputs(self) -> Dict[str, str]:
        """Every node output, by node name."""
        return dict(self._native.get_all_node_outputs().unpack())

    def node_status(self, name_or_id: str) -> str:
        """``"completed"``, ``"failed"``, ``"skipped"``, ``"cancelled"`` or ``"pending"``."""
        return self.node_results().get(self._name_of(name_or_id), {}).get("status", "pending")

    def node_error(self, name_or_id: str) -> Optional[str]:
        """Why a node failed, or None."""
        return self._native.get_node_error(_str("name_or_id", name_or_id))

    def node_results(self) -> Dict[str, Dict[str, Any]]:
        """Per node name: status, output, error, started_ms, duration_ms,
        prompt_tokens, completion_tokens, id and kind."""
        return {entry["name"]: entry for entry in self._native.get_node_results().unpack()}

    def variables(self) -> List[Tuple[str, str]]:
        """Every variable as ``(name, value)``: the execution inputs, each
        output under its node's name, and ``node_result_1..N`` in finishing order."""
        return list(self._native.get_variables().unpack())

    def get_variable(self, key: str) -> Optional[str]:
        """One variable's value (see ``variables()``), or None."""
        return self._native.get_variable(_str("key", key))

    def get_all_variables(self) -> Dict[str, str]:
        """``variables()`` as a dict."""
        return dict(self.variables())

    def prompt_tokens(self) -> int:
        """Prompt tokens of every agent node, summed."""
        return self._native.get_prompt_tokens()

    def completion_tokens(self) -> int:
        """Completion tokens of every agent node, summed."""
        return self._native.get_completion_tokens()

    def _name_of(self, name_or_id: str) -> str:
        for entry in self._native.get_node_results().unpack():
            if name_or_id in (entry["name"], entry["id"]):
                return entry["name"]
        return name_or_id

    def __repr__(self) -> str:
        return (
            f"WorkflowResult(workflow={self.workflow_name()!r}, state={self.state()!r}, "
            f"execution_time_ms={self.execution_time_ms():.1f})"
        )


def _inputs(inputs: Optional[Mapping[str, Any]]) -> Optional[Dict[str, str]]:
    """Execution inputs as text: strings as they are, anything else as JSON."""
    if inputs is None:
        return None
    if not isinstance(inputs, Mapping):
        raise TypeError(f"inputs must be a dict or None, not {type(inputs).__name__}")
    converted = {}
    for key, value in inputs.items():
        if not isinstance(key, str):
            raise TypeError(f"inputs keys must be str, not {type(key).__name__}")
        text = value if isinstance(value, str) else json.dumps(value)
        converted[c_text("inputs key", key, "execute")] = c_text(f"inputs[{key!r}]", text, "execute")
    return converted


def _bool_or_none(name: str, value: Any) -> Optional[bool]:
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool or None, not {type(value).__name__}")
    return value


_MODES = {
    "balanced": Graphbit.ExecutionMode.BALANCED,
    "high_throughput": Graphbit.ExecutionMode.HIGH_THROUGHPUT,
    "low_latency": Graphbit.ExecutionMode.LOW_LATENCY,
    "memory_optimized": Graphbit.ExecutionMode.MEMORY_OPTIMIZED,
}


class Executor:
    """Runs workflows; create it once and reuse it (thread-safe).

    ``Executor(config)`` is Balanced; ``lightweight_mode=True`` selects
    LowLatency and ``False`` HighThroughput, keeping the 300 s timeout. The
    ``new_high_throughput()``, ``new_low_latency()`` and
    ``new_memory_optimized()`` constructors set a mode with its defaults.
    A node failure does not raise: the result reports it. Passing the
    timeout raises ``RequestTimeoutError`` and cancels every running node.
    """

    __slots__ = ("_native", "_config")

    def __init__(
        self,
        config: LlmConfig,
        lightweight_mode: Optional[bool] = None,
        timeout_seconds: Optional[float] = None,
        debug: Optional[bool] = None,
    ) -> None:
        """A Balanced executor: max(32, 2 × CPUs) nodes at once, 3 retries,
        ``timeout_seconds`` per run (300; 1 to 3600). ``lightweight_mode``
        True selects LowLatency, False HighThroughput. ``debug`` logs each node."""
        self._init("balanced", config, timeout_seconds, debug)
        if _bool_or_none("lightweight_mode", lightweight_mode) is not None:
            self.set_lightweight_mode(lightweight_mode)

    def _init(self, mode: str, config: Any, timeout_seconds: Any, debug: Any) -> None:
        if not isinstance(config, LlmConfig):
            raise TypeError(f"llm_config must be a graphbit.LlmConfig, not {type(config).__name__}")
        timeout = _seconds("timeout_seconds", timeout_seconds, 0.0)
        if timeout_seconds is not None and timeout == 0:
            # C reads 0 as "the mode's default"; from Python it is a bad value.
            limit = 300 if mode == "low_latency" else 3600
            what = "Low-latency timeout" if mode == "low_latency" else "Timeout"
            raise ValidationError(
                f"{what} must be between 1 and {limit} seconds, got 0",
                field="timeout_seconds",
                value="0",
                operation="Executor",
            )
        self._native = call(Graphbit.Executor.new, config._native, _MODES[mode], timeout)
        self._config = config
        if _bool_or_none("debug", debug):
            self._native.set_debug(True)

    @classmethod
    def _with_mode(cls, mode: str, llm_config: Any, timeout_seconds: Any, debug: Any) -> "Executor":
        executor = cls.__new__(cls)
        executor._init(mode, llm_config, timeout_seconds, debug)
        return executor

    @classmethod
    def new_high_throughput(
        cls, llm_config: LlmConfig, timeout_seconds: Optional[float] = None, debug: Optional[bool] = None
    ) -> "Executor":
        """max(64, 4 × CPUs) nodes at once, 3 retries, 300 s (1 to 3600)."""
        return cls._with_mode("high_throughput", llm_config, timeout_seconds, debug)

    @classmethod
    def new_low_latency(
        cls, llm_config: LlmConfig, timeout_seconds: Optional[float] = None, debug: Optional[bool] = None
    ) -> "Executor":
        """Every ready node at once, 1 retry, 30 s (1 to 300); the first failure stops the run."""
        return cls._with_mode("low_latency", llm_config, timeout_seconds, debug)

    @classmethod
    def new_memory_optimized(
        cls, llm_config: LlmConfig, timeout_seconds: Optional[float] = None, debug: Optional[bool] = None
    ) -> "Executor":
        """2 nodes at once, 3 retries, 300 s; only final outputs are kept."""
        return cls._with_mode("memory_optimized", llm_config, timeout_seconds, debug)

    # running
    def execute(self, workflow: "Workflow", inputs: Optional[Mapping[str, Any]] = None) -> WorkflowResult:
        """Runs ``workflow`` to the end (blocking, GIL released; Ctrl-C cancels it).

        ``inputs`` fill ``{name}`` placeholders and condition names (values that
        are not strings are passed as JSON). Raises ``ValidationError`` for an
        invalid workflow and ``RequestTimeoutError`` when the timeout passes.
        """
        workflow, native_inputs = self._check_run(workflow, inputs)
        native = self._native
        return WorkflowResult(
            _dispatch.run_blocking(lambda cancellable: native.execute(workflow._native, native_inputs, cancellable))
        )

    def run_async(self, workflow: "Workflow", inputs: Optional[Mapping[str, Any]] = None) -> Awaitable[WorkflowResult]:
        """Like ``execute()``, as an awaitable; cancelling it cancels the run."""
        workflow, native_inputs = self._check_run(workflow, inputs)
        native = self._native

        async def run() -> WorkflowResult:
            result = await _dispatch.run_queued(
                lambda cancellable, queue, tag: native.execute_queued(workflow._native, native_inputs, cancellable, queue, tag),
                lambda completion: completion.propagate(),
            )
            return WorkflowResult(result)

        return run()

    @staticmethod
    def _check_run(workflow: Any, inputs: Any) -> Tuple["Workflow", Optional[Dict[str, str]]]:
        if not isinstance(workflow, Workflow):
            raise TypeError(f"workflow must be a graphbit.Workflow, not {type(workflow).__name__}")
        return workflow, _inputs(inputs)

    # settings and statistics
    def get_stats(self) -> Dict[str, Any]:
        """Run counters: total_executions, successful_executions, failed_executions,
        cancelled_executions, success_rate, average_duration_ms, total_duration_ms,
        uptime_seconds, execution_mode, timeout_seconds, max_retries,
        metrics_enabled and node_concurrency (0: unbounded)."""
        return dict(self._native.get_stats().unpack())

    def reset_stats(self) -> None:
        """Zeroes the counters and restarts the uptime."""
        self._native.reset_stats()

    def get_execution_mode(self) -> str:
        """``"Balanced"``, ``"HighThroughput"``, ``"LowLatency"`` or ``"MemoryOptimized"``."""
        return self._native.get_mode_name()

    def configure(
        self,
        timeout_seconds: Optional[float] = None,
        max_retries: Optional[int] = None,
        enable_metrics: Optional[bool] = None,
        debug: Optional[bool] = None,
    ) -> None:
        """Changes settings for later runs (None keeps one); nothing changes on a
        bad value: ``timeout_seconds`` 1 to 3600, ``max_retries`` 0 to 10."""
        native = self._native
        call(
            native.configure,
            _seconds("timeout_seconds", timeout_seconds, native.get_timeout_seconds()),
            _count("max_retries", max_retries, native.get_max_retries()),
            native.get_metrics_enabled()
            if _bool_or_none("enable_metrics", enable_metrics) is None
            else enable_metrics,
        )
        if _bool_or_none("debug", debug) is not None:
            native.set_debug(debug)

    def set_lightweight_mode(self, enabled: bool) -> None:
        """True: LowLatency; False: HighThroughput. The timeout is kept."""
        if not isinstance(enabled, bool):
            raise TypeError(f"enabled must be a bool, not {type(enabled).__name__}")
        self._native.set_mode(_MODES["low_latency" if enabled else "high_throughput"])

    def is_lightweight_mode(self) -> bool:
        """Whether the mode is LowLatency."""
        return self._native.get_mode() == Graphbit.ExecutionMode.LOW_LATENCY

    def llm_client_stats(self) -> Dict[str, Any]:
        """The statistics of the LLM client agent nodes share (calls, retries, latency, ...)."""
        return dict(self._native.get_llm_client().get_stats().unpack())

    def __repr__(self) -> str:
        return (
            f"Executor(mode={self.get_execution_mode()!r}, timeout_seconds={self._native.get_timeout_seconds():g}, "
            f"provider={self._config.provider()!r})"
        )
