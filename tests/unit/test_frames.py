"""The call-tree functions on hand-built trees with known totals."""

from reporter.analysis import frames
from reporter.results import Frame


def node(name, value, self_value=None, children=(), file="app.py", line=1):
    """A frame whose self value defaults to what its children leave over."""
    children = list(children)
    if self_value is None:
        self_value = value - sum(c.value for c in children)
    return Frame(name, file, line, value, self_value, children)


def consistent(tree):
    """Every frame's value equals its self value plus its children's values."""
    return all(abs(f.value - f.self_value - sum(c.value for c in f.children)) < 1e-9
               for _, f in frames.walk(tree))


def test_merge_siblings_adds_identical_frames_recursively():
    a1 = node("a", 3, children=[node("b", 2)])
    a2 = node("a", 4, children=[node("b", 1), node("c", 2, line=9)])
    merged = frames.merge_siblings([a1, a2])
    assert len(merged) == 1
    a = merged[0]
    assert (a.value, a.self_value) == (7, 2)
    assert [(c.function, c.value) for c in a.children] == [("b", 3), ("c", 2)]
    assert consistent(a)


def test_focus_cuts_harness_and_keeps_single_root():
    script = node("<module>", 5, children=[node("work", 4)], file="script.py")
    harness = node("run_path", 5, children=[script], file="<frozen runpy>")
    tree = node("thread", 5, children=[harness], file="<thread>")
    focused = frames.focus(tree, lambda f: f.function == "run_path", name="<script>")
    assert focused == script
    assert frames.focus(tree, lambda f: False, name="<script>") == tree


def test_focus_joins_several_roots_under_a_synthetic_one():
    threads = [node("t1", 2, file="s.py"), node("t2", 3, file="s.py", line=2)]
    tree = node("root", 5, children=threads, file="<thread>")
    focused = frames.focus(tree, lambda f: f.function == "root", name="<script>")
    assert focused.function == "<script>"
    assert focused.value == 5
    assert consistent(focused)


def test_remove_splices_children_up_and_keeps_the_total():
    inner = node("work", 2)
    importer = node("_find_and_load", 3, self_value=1, children=[inner], file="<frozen importlib>")
    tree = node("<module>", 6, children=[importer, node("work", 1)])
    cleaned = frames.remove(tree, lambda f: f.file == "<frozen importlib>")
    assert cleaned.value == 6
    assert cleaned.self_value == tree.self_value + 1
    assert [(c.function, c.value) for c in cleaned.children] == [("work", 3)]
    assert consistent(cleaned)


def test_prune_folds_small_children_and_keeps_the_total():
    tree = node("root", 100, children=[node("big", 90), node("s1", 0.3), node("s2", 0.2, line=2)])
    pruned = frames.prune(tree, min_fraction=0.01)
    names = [c.function for c in pruned.children]
    assert names[0] == "big" and names[1].startswith(frames.OTHER)
    assert pruned.children[1].value == 0.5
    assert consistent(pruned)
    assert frames.size(pruned) == 3


def test_walk_is_depth_first_with_depths():
    tree = node("a", 3, children=[node("b", 2, children=[node("c", 1)]), node("d", 1, line=2)])
    walked = [(d, f.function) for d, f in frames.walk(tree)]
    assert walked == [(0, "a"), (1, "b"), (2, "c"), (1, "d")]


def test_from_stacks_and_back():
    a, b, c = ("a", "f.py", 1), ("b", "f.py", 2), ("c", "f.py", 3)
    tree = frames.from_stacks([([a, b], 2.0), ([a, b, c], 1.0), ([a], 0.5), ([c], 4.0)], "root")
    assert tree.function == "root" and tree.value == 7.5
    assert consistent(tree)
    paths = {tuple(f.function for f in path): value for path, value in frames.stacks(tree)}
    assert paths == {("root", "a", "b"): 2.0, ("root", "a", "b", "c"): 1.0, ("root", "a"): 0.5,
                     ("root", "c"): 4.0}


def test_from_stacks_handles_stacks_deeper_than_the_recursion_limit():
    deep = [("f", "f.py", i) for i in range(5000)]
    tree = frames.from_stacks([(deep, 1.0)], "root")
    assert frames.size(tree) == 5001
    assert max(d for d, _ in frames.walk(tree)) == 5000
