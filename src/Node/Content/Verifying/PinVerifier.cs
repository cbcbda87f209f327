using P2P.Node.Content.DagPb;
using P2P.Node.Multiformats;
using P2P.Node.Storage;

namespace P2P.Node.Content.Verifying;

/// <summary>
/// `pin verify`, as kubo's <c>ipfs pin verify</c>: checks that every pinned DAG is complete in the repo and that each
/// of its blocks hashes to its CID. A direct pin checks its one block; a recursive pin walks the whole DAG. Each
/// block is read and hashed at most once per run: a subtree found whole under one pin is skipped under the next
/// (pins of versions of one tree share most blocks). The walk uses an explicit stack, so a hostile DAG of any depth
/// cannot overflow the thread's stack.
/// </summary>
public static class PinVerifier
{
    /// <summary>One status per pin, in <paramref name="pins"/> order, computed as the sequence is read.</summary>
    public static IEnumerable<PinStatus> Verify(IBlockStore store, IEnumerable<Pin> pins, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(pins);
        var whole = new HashSet<Multihash>();
        foreach (var pin in pins)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var bad = new List<BadBlock>();
            if (pin.Kind == PinKind.Direct)
            {
                if (Check(store, pin.Cid, out _) is { } error)
                    bad.Add(new BadBlock(pin.Cid, error));
            }
            else
            {
                Walk(store, pin.Cid, whole, bad, cancellationToken);
            }
            yield return new PinStatus(pin.Cid, pin.Kind, bad);
        }
    }

    /// <summary>
    /// Depth-first, each block once per pin. A block is entered, its links pushed, and on exit (all its links done)
    /// its subtree is recorded as whole if no problem was counted since it was entered. Meeting a block again whose
    /// subtree failed counts as a problem for the current path too, so an ancestor is never recorded as whole over
    /// a bad descendant it shares with a sibling.
    /// </summary>
    private static void Walk(IBlockStore store, Cid root, HashSet<Multihash> whole, List<BadBlock> bad, CancellationToken cancellationToken)
    {
        var visited = new HashSet<Multihash>();
        var failed = new HashSet<Multihash>();
        var problems = 0;
        var stack = new Stack<(Cid Cid, bool Exit, int ProblemsAtEntry)>();
        stack.Push((root, false, 0));
        while (stack.Count > 0)
        {
            var (cid, exit, atEntry) = stack.Pop();
            if (exit)
            {
                if (problems == atEntry)
                    whole.Add(cid.Multihash);
                else
                    failed.Add(cid.Multihash);
                continue;
            }
            if (whole.Contains(cid.Multihash))
                continue;
            if (!visited.Add(cid.Multihash))
            {
                if (failed.Contains(cid.Multihash))
                    problems++;
                continue;
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (Check(store, cid, out var links) is { } error)
            {
                bad.Add(new BadBlock(cid, error));
                failed.Add(cid.Multihash);
                problems++;
                continue;
            }
            stack.Push((cid, true, problems));
            for (var i = links.Count - 1; i >= 0; i--)
                stack.Push((links[i], false, 0));
        }
    }

    /// <summary>Null when the block is held, matches its CID and decodes; otherwise what is wrong with it.</summary>
    private static string? Check(IBlockStore store, Cid cid, out IReadOnlyList<Cid> links)
    {
        links = [];
        byte[]? data;
        try
        {
            data = cid.Multihash.Code == Multicodec.Identity ? cid.Multihash.Digest.ToArray() : store.Get(cid);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return $"unreadable: {e.Message}";
        }
        if (data is null)
            return "block not in the repo";
        if (cid.Multihash.Code is not (Multicodec.Sha2_256 or Multicodec.Blake3 or Multicodec.Identity))
            return $"cannot check hash function {Multicodec.Name(cid.Multihash.Code)}";
        if (!cid.Multihash.Matches(data))
            return "block does not match its CID (corrupted)";
        try
        {
            links = [.. DagPbLinkDecoder.Instance.GetLinks(cid, data)];
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            return $"cannot decode {Multicodec.Name(cid.Codec)} block: {e.Message}";
        }
        return null;
    }
}
