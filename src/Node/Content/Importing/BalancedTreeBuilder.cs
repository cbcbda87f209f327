namespace P2P.Node.Content.Importing;

/// <summary>
/// Builds boxo's balanced layout (ipld/unixfs/importer/balanced) incrementally, leaf by leaf in file order, so
/// memory stays at <c>MaxLinks × depth</c> entries whatever the file size. boxo grows the tree from the root
/// down; the result is the same as grouping leaves bottom-up into nodes of <c>MaxLinks</c> children, closing a
/// node as soon as it is full, and at the end wrapping every partial group (even of one child) until a single
/// node is left. A file of one chunk is its leaf alone. Not thread-safe: the importer calls it in order.
/// </summary>
internal sealed class BalancedTreeBuilder(NodeBuilder nodes)
{
    /// <summary>Pending children per level; level 0 holds leaves.</summary>
    private readonly List<List<DagChild>> _levels = [[]];

    public void AddLeaf(DagChild leaf)
    {
        _levels[0].Add(leaf);
        for (var level = 0; _levels[level].Count == nodes.Options.MaxLinks; level++)
            Promote(level);
    }

    /// <summary>The root after the last leaf. At least one leaf must have been added (an empty file has one).</summary>
    public DagChild Finish()
    {
        for (var level = 0; ; level++)
        {
            var pending = _levels[level];
            if (level == _levels.Count - 1 && pending.Count == 1)
                return pending[0];
            if (pending.Count > 0)
                Promote(level);
            else if (level == _levels.Count - 1)
                throw new InvalidOperationException("no leaves were added");
        }
    }

    private void Promote(int level)
    {
        var node = nodes.StoreFileNode(_levels[level]);
        _levels[level].Clear();
        if (_levels.Count == level + 1)
            _levels.Add([]);
        _levels[level + 1].Add(node);
    }
}
